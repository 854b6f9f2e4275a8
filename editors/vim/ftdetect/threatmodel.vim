" Model files are YAML with threatls on top: `yaml.threatmodel` keeps Vim's
" YAML syntax and indent, and gives ALE (and ftplugin/) a filetype of their own.
" `set`, not `setfiletype`: the YAML rule for *.yaml has already run.
autocmd BufNewFile,BufRead threatmodel.yaml,threatmodel.yml,*.threatmodel.yaml,*.threatmodel.yml
\   set filetype=yaml.threatmodel
