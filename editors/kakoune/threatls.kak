# threatls for Kakoune with kakoune-lsp: the `kak-lsp` crate 18.0.0 or later, whose servers are
# set in the lsp_servers option (tested with 22.0.0 in Kakoune 2022.10.31).
#
# In your kakrc, after kakoune-lsp is loaded and before `lsp-enable`:
#
#   eval %sh{kak-lsp}
#   source /path/to/threatls/editors/kakoune/threatls.kak
#   set-option global threatls_cmd threatls        # or an absolute path to the binary
#   set-option global threatls_settings %{
#       rules = { open-threat = "error" }
#   }
#   lsp-enable
#
# Before `lsp-enable`, because lsp-enable's own BufCreate hook sends didOpen: model files must
# have their filetype and server by then, or the first server to hear of them is the YAML one.
#
# kakoune-lsp ignores lsp_servers entirely when a legacy kak-lsp.toml exists in
# ~/.config/kak-lsp/, so remove that file (or port it) first. It also turns LSP off in a buffer
# when one of the buffer's servers cannot start: threatls joins the language's default server
# (gopls for Go ...), so install that server, or drop kakoune-lsp's default for the language
# with `remove-hooks global lsp-filetype-go` and keep threatls alone.

declare-option -docstring 'threatls binary: a name on PATH or an absolute path' \
    str threatls_cmd threatls

declare-option -docstring %{TOML lines for threatls' settings: include, exclude, annotations,
rules (for example `rules = { open-threat = "error", unbacked-mitigation = "off" }`)} \
    str threatls_settings

# Model files get a filetype of their own rather than `yaml`: kakoune-lsp's default config
# would otherwise start yaml-language-server on them as well, and its schema diagnostics
# would pile up on top of threatls'. They still look and indent like YAML.
hook global BufCreate (.*/)?(.+\.)?threatmodel\.ya?ml %{
    set-option buffer filetype threatmodel
}

hook global WinSetOption filetype=threatmodel %{
    require-module yaml
    add-highlighter window/threatmodel ref yaml
    set-option window comment_line '#'
    # `try`: these are yaml.kak's own hidden commands, which a later Kakoune may rename.
    hook window ModeChange pop:insert:.* -group threatmodel-indent %{ try yaml-trim-indent }
    hook window InsertChar \n -group threatmodel-indent %{ try yaml-insert-on-new-line }
    hook window InsertChar \n -group threatmodel-indent %{ try yaml-indent-on-new-line }
    hook -once -always window WinSetOption filetype=.* %{
        remove-highlighter window/threatmodel
        remove-hooks window threatmodel-indent
    }
}

# One [threatls] table. kakoune-lsp keeps one server process per server name and project root,
# whatever the filetype, so a model file and the Go file that annotates it share one threatls
# (the server also follows threatls.toml roots by itself). settings_section makes kakoune-lsp
# send the [threatls.settings.threatls] table as initializationOptions and in
# workspace/didChangeConfiguration; threatls reads its settings either under a `threatls` key
# or at the top, and this arrives at the top.
define-command -hidden threatls-server-table %{
    set-option -add buffer lsp_servers "
[threatls]
command = ""%opt{threatls_cmd}""
args = [""lsp"", ""--stdio""]
root_globs = [""threatls.toml"", "".git""]
settings_section = ""threatls""
[threatls.settings.threatls]
%opt{threatls_settings}
"
}

define-command threatls-attach -docstring 'Add threatls to the language servers of this buffer' %{
    # The language's own default server first (kakoune-lsp fills lsp_servers only while it is
    # empty, so adding threatls first would shut gopls, pylsp ... out).
    lsp-if-no-servers trigger-user-hook "LSPDefaultConfig=%opt{filetype}"
    # Setting the filetype again must not add a second [threatls] table: TOML forbids it.
    evaluate-commands %sh{
        case "$kak_opt_lsp_servers" in
            *'[threatls]'*) ;;
            *) echo threatls-server-table ;;
        esac
    }
}

# Model files: threatls alone, replacing the YAML server that kakoune-lsp may have put there
# while these buffers were still `yaml`.
hook global BufSetOption filetype=threatmodel %{
    set-option buffer lsp_servers ''
    threatls-server-table
}

# Source files of the languages whose comments threatls reads annotations in (see
# docs/annotations.md), by Kakoune's filetype names; plain YAML is left out, as in the
# Neovim plugin. For another filetype:  hook global BufSetOption filetype=NAME threatls-attach
hook global BufSetOption filetype=(?:c|cpp|objc|csharp|java|kotlin|scala|swift|dart|groovy|protobuf|zig|d|go|rust|javascript|typescript|python|ruby|php|sh|fish|perl|r|nim|cmake|makefile|elixir|crystal|tcl|awk|powershell|sql|lua|haskell|elm|purescript|ocaml|fsharp|pascal|erlang|latex|html|xml|vue|svelte|astro|terraform|hcl|css|scss|sass|less|clojure|lisp|scheme|racket|ini|julia|nix|dockerfile|toml) %{
    threatls-attach
}
