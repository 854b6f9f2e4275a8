-- Run by editors/nvim/test.sh inside `nvim --headless`, from the repository root, with the
-- plugin on the runtimepath. It opens files of the example workspaces through the plugin and
-- checks what Neovim received from the server:
--   1. the diagnostics of a model file and of an annotated source file in examples/broken-shop
--      equal what `threatls check --format json` reports for them;
--   2. completion after `class: ` in a threat lists the threat classes;
--   3. go to definition from `#id` in a code annotation lands on the id in the model.
-- It prints what it found as JSON lines and exits 0 when every check holds, 1 otherwise.

local bin = assert(os.getenv('THREATLS_BIN'), 'THREATLS_BIN is not set')
local today = '2026-11-22'
local failures = {}

local function fail(what)
  table.insert(failures, what)
  io.stdout:write('FAIL ' .. what .. '\n')
end

local function report(what, value)
  io.stdout:write(what .. ' ' .. vim.fn.json_encode(value) .. '\n')
end

if os.getenv('THREATLS_DEBUG') then vim.lsp.set_log_level('debug') end
require('threatls').setup({ cmd = { bin, 'lsp', '--stdio' }, settings = { today = today } })

-- Opens `path` and waits until its diagnostics have been published and stayed the same for a
-- quiet second (a server may publish more than once; a final empty list means clean).
local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local changed = nil
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    buffer = buf,
    callback = function()
      changed = vim.loop.now()
    end,
  })
  local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  local attached = vim.wait(20000, function()
    return #clients({ bufnr = buf }) > 0
  end, 20)
  if not attached then
    fail(path .. ': no threatls client attached (filetype ' .. vim.bo[buf].filetype .. ')')
    return buf
  end
  vim.wait(20000, function()
    return changed ~= nil and vim.loop.now() - changed > 3000
  end, 50)
  return buf
end

local severities = { 'error', 'warning', 'information', 'hint' }

-- What Neovim holds for the buffer, in the shape of `threatls check --format json`.
local function received(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, string.format('%d:%d-%d:%d %s %s %s', d.lnum, d.col, d.end_lnum, d.end_col,
      severities[d.severity], d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), d.message))
  end
  table.sort(out)
  return out
end

-- What the CLI reports for `path`, with columns turned from UTF-16 into bytes as Neovim shows them.
local function expected(path)
  local json = vim.fn.system({ bin, 'check', 'examples/broken-shop', '--format', 'json', '--today', today })
  local lines = vim.fn.readfile(path)
  local function byte(line, character)
    local text = lines[line + 1] or ''
    local ok, index = pcall(vim.str_byteindex, text, character, true)
    return ok and index or character
  end
  local out = {}
  for _, d in ipairs(vim.fn.json_decode(json).diagnostics) do
    if d.file == path then
      local s, e = d.range.start, d.range['end']
      table.insert(out, string.format('%d:%d-%d:%d %s %s %s', s.line, byte(s.line, s.character), e.line,
        byte(e.line, e.character), d.severity, d.code, d.message))
    end
  end
  table.sort(out)
  return out
end

for _, path in ipairs({ 'examples/broken-shop/threatmodel.yaml', 'examples/broken-shop/services/billing/invoices.go' }) do
  local buf = open(path)
  local got, want = received(buf), expected(path)
  report('diagnostics ' .. path, got)
  if #want == 0 then
    fail(path .. ': the CLI reports nothing, so the comparison proves nothing')
  elseif not vim.deep_equal(got, want) then
    local function missing(a, b)
      local out = {}
      for _, x in ipairs(a) do
        if not vim.tbl_contains(b, x) then
          table.insert(out, x)
        end
      end
      return table.concat(out, '\n  ')
    end
    fail(path .. ': Neovim has ' .. #got .. ' diagnostics, the CLI reports ' .. #want
      .. '\nonly in Neovim:\n  ' .. missing(got, want) .. '\nonly from the CLI:\n  ' .. missing(want, got))
  end
end

-- Completion after `class: ` in the shop's first threat.
local model = open('examples/shop/threatmodel.yaml')
local class_line = vim.fn.search('^    class: ', 'nw') - 1
local items = {}
local responses = vim.lsp.buf_request_sync(model, 'textDocument/completion', {
  textDocument = vim.lsp.util.make_text_document_params(model),
  position = { line = class_line, character = #'    class: ' },
}, 10000) or {}
for _, response in pairs(responses) do
  local result = response.result or {}
  for _, item in ipairs(result.items or result) do
    table.insert(items, item.label)
  end
end
report('completion', items)
if not vim.tbl_contains(items, 'spoofing') or not vim.tbl_contains(items, 'sql-nosql-injection') then
  fail('completion after `class: ` did not list the threat classes')
end

-- Definition from `#log-forging` in a Go annotation into the model.
local code = open('examples/shop/services/billing/invoices.go')
local line = vim.fn.search('#log-forging', 'nw') - 1
local text = vim.api.nvim_buf_get_lines(code, line, line + 1, false)[1]
local column = text:find('#log-forging', 1, true)
responses = vim.lsp.buf_request_sync(code, 'textDocument/definition', {
  textDocument = vim.lsp.util.make_text_document_params(code),
  position = { line = line, character = column + 1 },
}, 10000) or {}
local target = nil
for _, response in pairs(responses) do
  local result = response.result
  if result and result[1] then
    target = result[1]
  elseif result and result.uri then
    target = result
  end
end
report('definition', target)
if not target then
  fail('no definition for #log-forging')
else
  local file = vim.uri_to_fname(target.uri)
  local lines = vim.fn.readfile(file)
  local at = lines[target.range.start.line + 1] or ''
  if not file:match('threatmodel%.yaml$') or not at:find('id: log-forging', 1, true) then
    fail('definition of #log-forging went to ' .. file .. ':' .. target.range.start.line .. ': ' .. at)
  end
end

io.stdout:write(#failures == 0 and 'ok\n' or (#failures .. ' checks failed\n'))
vim.cmd(#failures == 0 and 'qall!' or 'cquit!')
