" threatls for Vim through ALE: the linter definition that every
" ale_linters/<filetype>/threatls.vim calls, and its settings.
"
"   let g:threatls_executable = 'threatls'    " or an absolute path
"   let g:threatls_settings = {'rules': {'open-threat': 'error'}}
"
" g:threatls_settings (or b:threatls_settings) holds include, exclude,
" annotations (v:true/v:false) and rules ({'rule-name': 'error' | 'warning' |
" 'information' | 'hint' | 'off'}); it is sent as initializationOptions and
" with didChangeConfiguration, under a 'threatls' key.

" The languages threatls reads annotations in (src/annotations/languages.rs),
" as Vim names them; ALE maps javascriptreact, typescriptreact, zsh and ps1 to
" javascript, typescript, sh and powershell. Each has ale_linters/<name>/.
let s:filetypes = [
\   'threatmodel',
\   'c', 'cpp', 'cs', 'java', 'kotlin', 'scala', 'swift', 'dart', 'groovy',
\   'proto', 'zig', 'go', 'rust', 'javascript', 'typescript', 'python', 'ruby',
\   'php', 'sh', 'bash', 'fish', 'perl', 'r', 'nim', 'cmake', 'make', 'elixir',
\   'crystal', 'tcl', 'awk', 'powershell', 'sql', 'lua', 'haskell', 'elm',
\   'purescript', 'ocaml', 'fsharp', 'erlang', 'tex', 'html', 'xml', 'vue',
\   'svelte', 'astro', 'terraform', 'hcl', 'css', 'scss', 'less', 'clojure',
\   'lisp', 'scheme', 'racket', 'dosini', 'julia', 'nix', 'dockerfile', 'toml',
\]

function! threatls#Filetypes() abort
    return copy(s:filetypes)
endfunction

function! threatls#Executable(buffer) abort
    return getbufvar(a:buffer, 'threatls_executable',
    \   get(g:, 'threatls_executable', 'threatls'))
endfunction

function! threatls#Settings(buffer) abort
    return {'threatls': getbufvar(a:buffer, 'threatls_settings',
    \   get(g:, 'threatls_settings', {}))}
endfunction

" The nearest directory above the file with a threatls.toml, else with a .git,
" else the file's own: the workspace root the server and `threatls check` use.
function! threatls#ProjectRoot(buffer) abort
    let l:start = fnamemodify(bufname(a:buffer), ':p:h')

    for l:marker in ['threatls.toml', '.git']
        let l:dir = l:start

        while 1
            if filereadable(l:dir . '/' . l:marker)
            \|| isdirectory(l:dir . '/' . l:marker)
                return l:dir
            endif

            let l:parent = fnamemodify(l:dir, ':h')

            if l:parent is# l:dir
                break
            endif

            let l:dir = l:parent
        endwhile
    endfor

    return l:start
endfunction

function! threatls#Define(filetype) abort
    call ale#linter#Define(a:filetype, {
    \   'name': 'threatls',
    \   'lsp': 'stdio',
    \   'executable': function('threatls#Executable'),
    \   'command': '%e lsp --stdio',
    \   'project_root': function('threatls#ProjectRoot'),
    \   'language': a:filetype is# 'threatmodel' ? 'yaml' : a:filetype,
    \   'initialization_options': function('threatls#Settings'),
    \   'lsp_config': function('threatls#Settings'),
    \})
endfunction
