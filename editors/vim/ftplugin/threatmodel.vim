" In model files ALE runs threatls alone: the YAML linters (yamllint, the YAML
" language server) would report on the same keys with other rules. Set
" b:ale_linters in after/ftplugin/threatmodel.vim to choose otherwise.
if !exists('b:ale_linters')
    let b:ale_linters = {'yaml': [], 'threatmodel': ['threatls']}
    let b:undo_ftplugin = get(b:, 'undo_ftplugin', 'execute')
    \   . ' | unlet! b:ale_linters'
endif
