-- threatls for Neovim: starts `threatls lsp --stdio` for threat-model files and for the source
-- files whose comments threatls reads, and gives model files the `yaml.threatmodel` filetype
-- (YAML syntax and settings, but not the YAML language server's schema diagnostics).
--
--   require('threatls').setup({
--     cmd = { 'threatls', 'lsp', '--stdio' },   -- or an absolute path to the binary
--     settings = { rules = { ['open-threat'] = 'error' }, annotations = true },
--   })
--
-- Neovim 0.11 and later use vim.lsp.config/vim.lsp.enable; older ones (0.7 to 0.10) start the
-- client on FileType with vim.lsp.start_client, one client per workspace root.

local M = {}

M.filetypes = {
  'yaml.threatmodel',
  -- The languages threatls reads annotations in (see src/annotations/languages.rs).
  'c', 'cpp', 'cs', 'java', 'kotlin', 'scala', 'swift', 'dart', 'groovy', 'proto', 'zig',
  'go', 'rust', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
  'python', 'ruby', 'php', 'sh', 'bash', 'zsh', 'fish', 'perl', 'r', 'nim', 'cmake', 'make',
  'elixir', 'crystal', 'tcl', 'awk', 'ps1', 'sql', 'lua', 'haskell', 'elm', 'purescript',
  'ocaml', 'fsharp', 'erlang', 'tex', 'html', 'xml', 'vue', 'svelte', 'astro', 'terraform',
  'hcl', 'css', 'scss', 'less', 'clojure', 'lisp', 'scheme', 'racket', 'dosini', 'julia',
  'nix', 'dockerfile', 'toml',
}

M.root_markers = { 'threatls.toml', '.git' }

local defaults = {
  cmd = { 'threatls', 'lsp', '--stdio' },
  filetypes = M.filetypes,
  root_markers = M.root_markers,
  -- Sent as initializationOptions and answered to workspace/configuration: include, exclude,
  -- annotations (true/false), rules ({ ['rule-name'] = 'error' | 'warning' | 'information'
  -- | 'hint' | 'off' }).
  settings = {},
}

-- Model files: threatmodel.yaml, threatmodel.yml, <anything>.threatmodel.yaml / .yml.
local function register_filetype()
  vim.filetype.add({
    filename = { ['threatmodel.yaml'] = 'yaml.threatmodel', ['threatmodel.yml'] = 'yaml.threatmodel' },
    pattern = { ['.*%.threatmodel%.ya?ml'] = 'yaml.threatmodel' },
  })
  if vim.fn.has('nvim-0.8') == 0 then
    -- Neovim 0.7 detects filetypes with filetype.vim unless filetype.lua is opted into, so
    -- model files are also set after it has called them `yaml`.
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = vim.api.nvim_create_augroup('threatls-filetype', { clear = true }),
      pattern = { 'threatmodel.yaml', 'threatmodel.yml', '*.threatmodel.yaml', '*.threatmodel.yml' },
      command = 'set filetype=yaml.threatmodel',
    })
  end
end

-- The nearest directory above `path` holding one of the markers, else the file's directory.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.fnamemodify(path, ':p:h')
    end
    dir = parent
  end
end

-- Neovim 0.7 to 0.10: one client per root, attached on FileType.
local function start_legacy(opts)
  local clients = {}
  local group = vim.api.nvim_create_augroup('threatls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      local name = vim.api.nvim_buf_get_name(args.buf)
      if name == '' then
        return
      end
      local root = find_root(name, opts.root_markers)
      local id = clients[root]
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client({
          name = 'threatls',
          cmd = opts.cmd,
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
          init_options = { threatls = opts.settings },
          settings = { threatls = opts.settings },
        })
        if not id then
          vim.notify('threatls: could not start ' .. table.concat(opts.cmd, ' ')
            .. '; install it with `cargo install --locked threatls` or set `cmd`', vim.log.levels.ERROR)
          return
        end
        clients[root] = id
      end
      vim.lsp.buf_attach_client(args.buf, id)
    end,
  })
end

function M.setup(user)
  local opts = vim.tbl_deep_extend('force', defaults, user or {})
  register_filetype()
  if vim.fn.executable(opts.cmd[1]) ~= 1 then
    vim.notify('threatls: `' .. opts.cmd[1] .. '` is not on PATH; install it with '
      .. '`cargo install --locked threatls`, or pass its absolute path in `cmd`', vim.log.levels.WARN)
  end
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config('threatls', {
      cmd = opts.cmd,
      filetypes = opts.filetypes,
      root_markers = opts.root_markers,
      init_options = { threatls = opts.settings },
      settings = { threatls = opts.settings },
    })
    vim.lsp.enable('threatls')
  else
    start_legacy(opts)
  end
end

return M
