;;; threatls.el --- Threat models checked by threatls, through Eglot  -*- lexical-binding: t; -*-

;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools
;; URL: https://github.com/threatls/threatls
;; SPDX-License-Identifier: MIT OR Apache-2.0

;;; Commentary:

;; Runs the threatls language server (`threatls lsp --stdio') with Eglot for threat-model
;; files and for the source files whose comments threatls reads:
;;
;;   (add-to-list 'load-path "/path/to/threatls/editors/emacs")
;;   (require 'threatls)
;;   (add-hook 'threatls-model-mode-hook #'eglot-ensure)
;;   (setq threatls-code-modes '(go-mode))           ; optional: see its documentation
;;   (add-hook 'go-mode-hook #'eglot-ensure)
;;
;; Model files (threatmodel.yaml, *.threatmodel.yaml, and .yml) open in
;; `threatls-model-mode', which is `yaml-mode' when that package is installed.  The
;; workspace root Eglot gives the server is the nearest directory with a threatls.toml,
;; else the version-control root, as `threatls check' finds it.  Eglot runs one server
;; per buffer, so threatls runs in source files only in the modes of
;; `threatls-code-modes' (none by default), in place of the language's own server.  The
;; server's settings are `threatls-settings'.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'project)

(defgroup threatls nil
  "Threat models checked by the threatls language server."
  :group 'tools
  :prefix "threatls-")

(defcustom threatls-server-command '("threatls" "lsp" "--stdio")
  "The command that starts the threatls language server, a list of strings.
Give an absolute path when Emacs does not find the binary on variable
`exec-path'."
  :type '(repeat string))

(defcustom threatls-settings nil
  "Settings for the server, a plist (see the README's `threatls lsp').
Keys: :include and :exclude (vectors of globs), :annotations (t or
:json-false), :rules (a plist from a rule's name to \"error\", \"warning\",
\"information\", \"hint\" or \"off\"), for example
  (:rules (:open-threat \"error\" :unbacked-mitigation \"off\"))
They are sent under a \"threatls\" key as initializationOptions and with
every didChangeConfiguration.  A :threatls section in a project's
`eglot-workspace-configuration' (in .dir-locals.el) takes their place there."
  :type 'plist)

(defcustom threatls-root-markers '("threatls.toml")
  "Files that mark a threatls workspace root.
Where no directory above a file holds one, the root is the project Emacs finds
otherwise (the version-control root)."
  :type '(repeat string))

(defconst threatls-annotated-modes
  '(c-mode c++-mode c-ts-mode c++-ts-mode csharp-mode csharp-ts-mode java-mode java-ts-mode
    kotlin-mode scala-mode swift-mode dart-mode groovy-mode protobuf-mode zig-mode
    go-mode go-ts-mode rust-mode rust-ts-mode rustic-mode
    js-mode js-ts-mode typescript-mode typescript-ts-mode tsx-ts-mode
    python-mode python-ts-mode ruby-mode ruby-ts-mode php-mode php-ts-mode
    sh-mode bash-ts-mode fish-mode perl-mode cperl-mode ess-r-mode nim-mode
    cmake-mode cmake-ts-mode makefile-mode elixir-mode elixir-ts-mode crystal-mode tcl-mode
    awk-mode powershell-mode sql-mode lua-mode lua-ts-mode haskell-mode elm-mode
    purescript-mode tuareg-mode caml-mode fsharp-mode erlang-mode tex-mode
    html-mode html-ts-mode nxml-mode web-mode vue-mode svelte-mode astro-mode
    terraform-mode hcl-mode css-mode css-ts-mode clojure-mode lisp-mode scheme-mode
    racket-mode conf-windows-mode julia-mode nix-mode dockerfile-mode dockerfile-ts-mode
    conf-toml-mode toml-ts-mode)
  "Major modes of the languages whose comments threatls reads.
See src/annotations/languages.rs.  Modes derived from these (`js-jsx-mode',
`scss-mode', `latex-mode', `mhtml-mode' ...) are included through them.")

(defcustom threatls-code-modes nil
  "Major modes of source files in which Eglot runs threatls.
Eglot runs one server per buffer, so in these modes threatls takes the
place of the language's own server (gopls, pylsp ...): none by default,
so threatls runs in model files only.  Add the modes of languages whose
annotations you want checked as you type and that have no server of
their own in your set-up, or take all of `threatls-annotated-modes'.  Set
it before loading threatls, or with `customize'."
  :type '(repeat symbol)
  :set (lambda (symbol value)
         (set-default symbol value)
         (when (fboundp 'threatls--register) (funcall 'threatls--register))))

;;; Model files

(defvar threatls--yaml-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    ;; Apostrophes occur in plain scalars ("Customer's card"); as string delimiters they
    ;; would colour the rest of the file.
    (modify-syntax-entry ?' "." table)
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?_ "_" table)
    table)
  "Syntax table for `threatls-yaml-mode'.")

(defvar threatls--yaml-font-lock
  '(("^[ \t]*\\(?:-[ \t]+\\)?\\([^#:\n\"]+?\\):\\(?:[ \t]\\|$\\)" 1 font-lock-variable-name-face)
    ("^[ \t]*\\(-\\)[ \t]" 1 font-lock-builtin-face))
  "Keys and list dashes, for `threatls-yaml-mode'.")

(define-derived-mode threatls-yaml-mode text-mode "YAML"
  "A minimal YAML mode.
The parent of `threatls-model-mode' when `yaml-mode' is not installed."
  :syntax-table threatls--yaml-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local font-lock-defaults '(threatls--yaml-font-lock))
  (setq-local indent-tabs-mode nil)
  (setq-local indent-line-function #'indent-relative))

;; Derived from `yaml-mode' when it can be loaded (Debian: elpa-yaml-mode), so YAML
;; highlighting and indentation, and the user's yaml-mode-hook, apply to model files.
(defalias 'threatls--model-parent-mode
  (if (require 'yaml-mode nil t) #'yaml-mode #'threatls-yaml-mode))

;;;###autoload
(define-derived-mode threatls-model-mode threatls--model-parent-mode "Threat model"
  "Major mode for threat-model files: threatmodel.yaml, *.threatmodel.yaml.
Eglot runs threatls in it; add `eglot-ensure' to `threatls-model-mode-hook'
to start it on opening one."
  (setq-local indent-tabs-mode nil))

;;;###autoload
(add-to-list 'auto-mode-alist
             '("\\(?:\\`\\|[/.]\\)threatmodel\\.ya?ml\\'" . threatls-model-mode))

;;; Eglot

(defclass threatls-server (eglot-lsp-server) ()
  :documentation "A threatls language server.")

(defun threatls--settings ()
  "`threatls-settings' as an object for JSON, never null."
  (or threatls-settings (make-hash-table)))

(cl-defmethod eglot-initialization-options ((_server threatls-server))
  "The settings, under \"threatls\"."
  (list :threatls (threatls--settings)))

(defun threatls--contact (&rest _)
  "The server class and command for `eglot-server-programs'."
  (let ((program (car threatls-server-command)))
    (unless (and program (executable-find program))
      (error "Cannot run threatls as `%s': install it (see the README at \
https://github.com/threatls/threatls), or set `threatls-server-command' to its absolute path" program))
    (cons 'threatls-server threatls-server-command)))

(defun threatls--modes ()
  "Return the major modes in which Eglot runs threatls."
  (cons 'threatls-model-mode threatls-code-modes))

(defun threatls--register ()
  "Put threatls first in `eglot-server-programs', for `threatls--modes'."
  (setq eglot-server-programs
        (cl-remove #'threatls--contact eglot-server-programs :key #'cdr))
  ;; One entry for all the modes, so that one server serves a workspace's model files and
  ;; its code; first, so that it wins over yaml-mode's entry for model files.
  (push (cons (cons '(threatls-model-mode :language-id "yaml") threatls-code-modes)
              #'threatls--contact)
        eglot-server-programs))

(threatls--register)

(defun threatls-project (dir)
  "The threatls workspace of DIR: the nearest directory with a root marker.
Only for Eglot, in buffers it runs threatls for; the commands of `project'
keep the projects they had."
  (when (and (bound-and-true-p eglot-lsp-context)
             (apply #'derived-mode-p (threatls--modes)))
    (let ((root (locate-dominating-file
                 dir (lambda (d)
                       (cl-some (lambda (marker) (file-exists-p (expand-file-name marker d)))
                                threatls-root-markers)))))
      (and root (cons 'threatls (expand-file-name root))))))

(cl-defmethod project-root ((project (head threatls)))
  "The directory of a threatls workspace PROJECT."
  (cdr project))

(add-hook 'project-find-functions #'threatls-project)

(provide 'threatls)
;;; threatls.el ends here
