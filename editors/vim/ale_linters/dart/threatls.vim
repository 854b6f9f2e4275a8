" threatls for this filetype; the definition is in autoload/threatls.vim.
call threatls#Define(expand('<sfile>:p:h:t'))
