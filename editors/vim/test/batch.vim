" Run by editors/vim/test.sh inside `vim -es -N -u NONE`, from the repository
" root, with THREATLS_BIN naming the server binary and THREATLS_OUT the file
" to write the report to. It loads ALE and editors/vim as a user's vimrc does,
" opens files of the example workspaces, and checks what ALE holds:
"   1. the loclist of a model file and of an annotated Go file in
"      examples/broken-shop equal what `threatls check --format json` reports
"      for them;
"   2. the model file has the filetype yaml.threatmodel and the server runs
"      with examples/broken-shop (its threatls.toml) as root, not the git root;
"   3. :ALEGoToDefinition on `#log-forging` in Go lands on its id in the model;
"   4. each filetype of autoload/threatls.vim has its ale_linters/ file.
" Exits 0 when every check holds, 1 otherwise.

let s:bin = $THREATLS_BIN
let s:out = $THREATLS_OUT
let s:today = '2026-11-22'
let s:repo = getcwd()
let s:failures = []

function! s:Print(line) abort
    call writefile(split(a:line, "\n"), s:out, 'a')
endfunction

function! s:Fail(what) abort
    call add(s:failures, a:what)
    call s:Print('FAIL ' . a:what)
endfunction

function! s:Report(what, value) abort
    call s:Print(a:what . ' ' . json_encode(a:value))
endfunction

" What a user's vimrc has: ALE as Debian's vim-ale installs it, this plugin,
" the binary, the settings (here a fixed date, as the CLI's --today), and
" threatls among ALE's Go linters, which ALE otherwise limits to its defaults.
set runtimepath^=editors/vim
packadd ale
filetype plugin indent on
syntax on
let g:threatls_executable = s:bin
let g:threatls_settings = {'today': s:today}
let g:ale_linters = {'go': ['threatls']}

" ALE tells when a buffer's results change; the loclist counts once it has been
" set and stayed the same for 3 s (a server may publish more than once, and
" a final empty list means clean).
let s:changed = {}
autocmd User ALELintPost let s:changed[bufnr('')] = reltime()

function! s:Open(path) abort
    execute 'edit ' . fnameescape(a:path)
    let l:buffer = bufnr('')
    let l:last = v:null
    let l:stable = reltime()
    let l:start = reltime()

    while reltimefloat(reltime(l:start)) < 20
        let l:now = deepcopy(ale#engine#GetLoclist(l:buffer))

        if l:now != l:last
            let l:last = l:now
            let l:stable = reltime()
        elseif has_key(s:changed, l:buffer) && reltimefloat(reltime(l:stable)) > 3
        \&& reltimefloat(reltime(s:changed[l:buffer])) > 3
            return l:buffer
        endif

        sleep 50m
    endwhile

    call s:Fail(a:path . ': ALE got no results, or they never settled (filetype '
    \   . &filetype . ', linters ' . json_encode(map(ale#linter#Get(&filetype), 'v:val.name')) . ')')

    return l:buffer
endfunction

let s:types = {'error': 'E', 'warning': 'W', 'information': 'W', 'hint': 'W'}

" What ALE holds for the buffer, from threatls.
function! s:Received(buffer) abort
    let l:out = []

    for l:item in ale#engine#GetLoclist(a:buffer)
        if l:item.linter_name is# 'threatls'
            call add(l:out, printf('%d:%d-%d:%d %s %s %s', l:item.lnum, l:item.col,
            \   get(l:item, 'end_lnum', -1), get(l:item, 'end_col', -1),
            \   l:item.type, get(l:item, 'code', ''), l:item.text))
        endif
    endfor

    return sort(l:out)
endfunction

" The byte index in `text` of UTF-16 code unit `units`.
function! s:Byte(text, units) abort
    let l:units = 0
    let l:byte = 0

    for l:char in split(a:text, '\zs')
        if l:units >= a:units
            break
        endif

        let l:units += char2nr(l:char) > 0xFFFF ? 2 : 1
        let l:byte += len(l:char)
    endfor

    return l:byte
endfunction

" What the CLI reports for `path`, as ALE shows it: 1-based lines, 1-based byte
" columns, an inclusive end, E or W, and the message on one line.
function! s:Expected(path) abort
    let l:json = json_decode(system(join(map([s:bin, 'check', 'examples/broken-shop',
    \   '--format', 'json', '--today', s:today], 'shellescape(v:val)'))))
    let l:lines = readfile(a:path)
    let l:out = []

    for l:d in l:json.diagnostics
        if l:d.file is# a:path
            let l:start = l:d.range.start
            let l:end = l:d.range.end
            call add(l:out, printf('%d:%d-%d:%d %s %s %s',
            \   l:start.line + 1, s:Byte(get(l:lines, l:start.line, ''), l:start.character) + 1,
            \   l:end.line + 1, s:Byte(get(l:lines, l:end.line, ''), l:end.character),
            \   s:types[l:d.severity], l:d.code,
            \   substitute(l:d.message, '\r\n\|\n\|\r', ' ', 'g')))
        endif
    endfor

    return sort(l:out)
endfunction

function! s:Missing(a, b) abort
    return join(filter(copy(a:a), 'index(a:b, v:val) < 0'), "\n  ")
endfunction

function! s:Diagnostics(path) abort
    let l:buffer = s:Open(a:path)
    let l:got = s:Received(l:buffer)
    let l:want = s:Expected(a:path)
    call s:Report('diagnostics ' . a:path, l:got)

    if empty(l:want)
        call s:Fail(a:path . ': the CLI reports nothing, so the comparison proves nothing')
    elseif l:got != l:want
        call s:Fail(printf("%s: ALE has %d diagnostics, the CLI reports %d\nonly in ALE:\n  %s\nonly from the CLI:\n  %s",
        \   a:path, len(l:got), len(l:want), s:Missing(l:got, l:want), s:Missing(l:want, l:got)))
    endif

    return l:buffer
endfunction

function! s:Run() abort
    let l:model = s:Diagnostics('examples/broken-shop/threatmodel.yaml')
    let l:filetype = getbufvar(l:model, '&filetype')
    let l:root = threatls#ProjectRoot(l:model)
    call s:Report('filetype', l:filetype)
    call s:Report('root', l:root)

    if l:filetype isnot# 'yaml.threatmodel'
        call s:Fail('the model file has the filetype ' . l:filetype)
    endif

    if l:root isnot# s:repo . '/examples/broken-shop'
        call s:Fail('the workspace root is ' . l:root . ', not examples/broken-shop')
    endif

    let l:started = filter(copy(ale#lsp#GetConnections()), 'v:val.initialized')
    let l:roots = map(values(l:started), 'v:val.root')

    if index(l:roots, s:repo . '/examples/broken-shop') < 0
        call s:Fail('no threatls server runs for examples/broken-shop: ' . json_encode(l:roots))
    endif

    call s:Diagnostics('examples/broken-shop/services/billing/invoices.go')

    " Definition from `#log-forging` in a Go annotation into the model.
    call s:Open('examples/shop/services/billing/invoices.go')
    let l:code = bufnr('')

    if search('#log-forging') == 0
        call s:Fail('no #log-forging in examples/shop/services/billing/invoices.go')
    else
        normal! 2l
        ALEGoToDefinition
        let l:start = reltime()

        while bufnr('') == l:code && reltimefloat(reltime(l:start)) < 10
            sleep 50m
        endwhile

        call s:Report('definition', [expand('%:p'), line('.'), trim(getline('.'))])

        if expand('%:p') !~# 'examples/shop/threatmodel\.yaml$' || getline('.') !~# 'id: log-forging$'
            call s:Fail('go to definition of #log-forging did not land on its id in the model')
        endif
    endif

    let l:dirs = map(glob('editors/vim/ale_linters/*/threatls.vim', 0, 1), 'fnamemodify(v:val, ":h:t")')

    if sort(l:dirs) != sort(threatls#Filetypes())
        call s:Fail('ale_linters/ has ' . json_encode(sort(l:dirs))
        \   . ', autoload/threatls.vim lists ' . json_encode(sort(threatls#Filetypes())))
    endif
endfunction

try
    call s:Run()
catch
    call s:Fail('error: ' . v:exception . ' at ' . v:throwpoint)
endtry

call ale#lsp#StopAll()
call s:Print(empty(s:failures) ? 'ok' : len(s:failures) . ' checks failed')

if empty(s:failures)
    qall!
else
    cquit!
endif
