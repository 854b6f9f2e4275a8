;;; batch.el --- threatls.el and Eglot against the real server  -*- lexical-binding: t; -*-

;; Run by editors/emacs/test.sh inside `emacs --batch -Q', from the repository root, with
;; THREATLS_BIN naming the server binary.  It opens files of the example workspaces the way a
;; user's configuration does (auto-mode-alist, `eglot-ensure' in the mode hooks) and checks
;; what Emacs received from the server:
;;   1. the workspace root Eglot gives the server is examples/broken-shop (its threatls.toml),
;;      not the git root above it, and one server serves the model and the code;
;;   2. the Flymake diagnostics of a model file and of an annotated Go file in
;;      examples/broken-shop equal what `threatls check --format json' reports for them;
;;   3. `xref-find-definitions' on `#log-forging' in Go lands on its id in the model.
;; With THREATLS_NO_YAML_MODE set, yaml-mode is not loaded and only the model file is
;; checked, through the fallback parent mode.  Prints what it found as JSON lines and exits 0
;; when every check holds, 1 otherwise.

(require 'package)
;; -Q leaves out site-lisp, where Debian's elpa-eglot, elpa-yaml-mode and elpa-go-mode are;
;; HOME is a scratch directory (test.sh), so these are the only packages activated.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(defvar threatls-test-no-yaml (not (member (getenv "THREATLS_NO_YAML_MODE") '(nil ""))))
(when threatls-test-no-yaml
  (setq package-load-list '((yaml-mode nil) all)))
(package-initialize)

(setq threatls-code-modes '(go-mode))
(require 'threatls)
(require 'json)
(require 'subr-x)

(defvar threatls-test-bin (or (getenv "THREATLS_BIN") (error "THREATLS_BIN is not set")))
(defvar threatls-test-today "2026-11-22")
(defvar threatls-test-failures nil)
(defvar threatls-test-repo default-directory)

(setq threatls-server-command (list threatls-test-bin "lsp" "--stdio"))
(setq threatls-settings (list :today threatls-test-today))
(add-hook 'threatls-model-mode-hook #'eglot-ensure)
(add-hook 'go-mode-hook #'eglot-ensure)
(setq eglot-sync-connect 10)

(defun threatls-test-fail (what)
  (push what threatls-test-failures)
  (princ (format "FAIL %s\n" what)))

(defun threatls-test-report (what value)
  (princ (format "%s %s\n" what (json-encode value))))

;; When each file last had diagnostics published, to wait for a first publish and then quiet.
(defvar threatls-test-published (make-hash-table :test #'equal))
(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri &allow-other-keys)
  (puthash (file-truename (eglot--uri-to-path uri)) (float-time) threatls-test-published))

(defun threatls-test-wait (seconds predicate)
  "Run the event loop until PREDICATE holds or SECONDS pass; return PREDICATE's value."
  (let ((deadline (+ (float-time) seconds)) result)
    (while (and (not (setq result (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    result))

(defun threatls-test-open (path)
  "Visit PATH as a user would, and wait for its diagnostics to be published and settle.
A server may publish more than once; the list that stayed for 3 s is the one kept, and an
empty one means clean."
  (let* ((file (file-truename (expand-file-name path threatls-test-repo)))
         (opened (float-time))
         (buffer (find-file-noselect file)))
    (set-buffer buffer)
    (switch-to-buffer buffer)
    ;; `eglot-ensure' connects from `post-command-hook', which batch Emacs never runs.
    (run-hooks 'post-command-hook)
    (unless (threatls-test-wait 10 (lambda () (eglot-current-server)))
      (threatls-test-fail (format "%s: no Eglot server (major mode %s)" path major-mode)))
    (unless (threatls-test-wait
             15 (lambda ()
                  (let ((at (gethash file threatls-test-published)))
                    (and at (> at opened) (> (- (float-time) at) 3)))))
      ;; What the server published before the file was opened, Eglot drops on opening it.
      (threatls-test-fail
       (format "%s: no diagnostics published after opening it, or they never settled" path)))
    ;; Flymake asks its backends when a buffer is displayed and idle; make that now.
    (flymake-start)
    (accept-process-output nil 0.2)
    buffer))

(defun threatls-test-position (pos)
  (save-excursion
    (goto-char pos)
    (format "%d:%d" (1- (line-number-at-pos pos t)) (- pos (line-beginning-position)))))

(defconst threatls-test-types
  '((eglot-error . "error") (eglot-warning . "warning") (eglot-note . "note")))

(defun threatls-test-received (buffer)
  "What Flymake holds for BUFFER, in the shape of `threatls-test-expected'."
  (with-current-buffer buffer
    (sort
     (mapcar
      (lambda (d)
        (let ((text (flymake-diagnostic-text d)))
          ;; Eglot writes the text as "SOURCE [CODE]: MESSAGE".
          (if (string-match "\\`\\(.*?\\) \\[\\([^]]+\\)\\]: \\(\\(?:.\\|\n\\)*\\)\\'" text)
              (format "%s-%s %s %s %s (%s)"
                      (threatls-test-position (flymake-diagnostic-beg d))
                      (threatls-test-position (flymake-diagnostic-end d))
                      (alist-get (flymake-diagnostic-type d) threatls-test-types)
                      (match-string 2 text) (match-string 3 text) (match-string 1 text))
            (format "unparsed: %s" text))))
      (flymake-diagnostics))
     #'string<)))

(defun threatls-test-column (buffer line utf16)
  "The column, in characters, of UTF-16 code unit UTF16 on 0-based LINE of BUFFER."
  (with-current-buffer buffer
    (save-excursion
      (goto-char (point-min))
      (forward-line line)
      (let ((units 0) (column 0) (end (line-end-position)))
        (while (and (< units utf16) (< (point) end))
          (setq units (+ units (if (> (following-char) #xFFFF) 2 1))
                column (1+ column))
          (forward-char))
        column))))

(defconst threatls-test-severities
  '(("error" . "error") ("warning" . "warning") ("information" . "note") ("hint" . "note"))
  "Eglot 1.9 shows both information and hint as Flymake notes.")

(defun threatls-test-expected (path buffer)
  "What the CLI reports for PATH, with positions in BUFFER's lines and characters."
  (let* ((json (with-temp-buffer
                 (setq default-directory threatls-test-repo)
                 (call-process threatls-test-bin nil (list t nil) nil "check" "examples/broken-shop"
                               "--format" "json" "--today" threatls-test-today)
                 (json-parse-string (buffer-string) :object-type 'alist :array-type 'list)))
         out)
    (dolist (d (alist-get 'diagnostics json))
      (when (equal (alist-get 'file d) path)
        (let* ((range (alist-get 'range d))
               (start (alist-get 'start range))
               (end (alist-get 'end range))
               (pos (lambda (p)
                      (let ((line (alist-get 'line p)))
                        (format "%d:%d" line
                                (threatls-test-column buffer line (alist-get 'character p)))))))
          (push (format "%s-%s %s %s %s (threatls)" (funcall pos start) (funcall pos end)
                        (cdr (assoc (alist-get 'severity d) threatls-test-severities))
                        (alist-get 'code d) (alist-get 'message d))
                out))))
    (sort out #'string<)))

(defun threatls-test-diagnostics (path)
  (let* ((buffer (threatls-test-open path))
         (got (threatls-test-received buffer))
         (want (threatls-test-expected path buffer)))
    (threatls-test-report (concat "diagnostics " path) (vconcat got))
    (cond ((null want)
           (threatls-test-fail
            (format "%s: the CLI reports nothing, so the comparison proves nothing" path)))
          ((not (equal got want))
           (threatls-test-fail
            (format (concat "%s: Emacs has %d diagnostics, the CLI reports %d\n"
                            "only in Emacs:\n  %s\nonly from the CLI:\n  %s")
                    path (length got) (length want)
                    (string-join (cl-set-difference got want :test #'equal) "\n  ")
                    (string-join (cl-set-difference want got :test #'equal) "\n  ")))))
    buffer))

(defun threatls-test-run ()
  (let* ((model (threatls-test-diagnostics "examples/broken-shop/threatmodel.yaml"))
         (server (with-current-buffer model (eglot-current-server)))
         (root (and server (project-root (eglot--project server))))
         (parent (symbol-function 'threatls--model-parent-mode)))
    (threatls-test-report "mode" (list (buffer-local-value 'major-mode model) parent))
    (unless (and (eq (buffer-local-value 'major-mode model) 'threatls-model-mode)
                 (eq parent (if threatls-test-no-yaml 'threatls-yaml-mode 'yaml-mode)))
      (threatls-test-fail (format "the model file is in %s, derived from %s"
                                  (buffer-local-value 'major-mode model) parent)))
    (threatls-test-report "root" root)
    (unless (equal root (expand-file-name "examples/broken-shop/" threatls-test-repo))
      (threatls-test-fail (format "the workspace root is %s, not examples/broken-shop" root)))
    (unless threatls-test-no-yaml
      (let ((code (threatls-test-diagnostics "examples/broken-shop/services/billing/invoices.go")))
        (unless (eq (with-current-buffer code (eglot-current-server)) server)
          (threatls-test-fail "the Go file and the model file have different servers")))
      ;; Definition from `#log-forging' in a Go annotation into the model.
      (set-buffer (threatls-test-open "examples/shop/services/billing/invoices.go"))
      (goto-char (point-min))
      (if (not (search-forward "#log-forging" nil t))
          (threatls-test-fail "no #log-forging in examples/shop/services/billing/invoices.go")
        (goto-char (+ (match-beginning 0) 2))
        (let ((this-command 'xref-find-definitions))
          (condition-case err
              (call-interactively #'xref-find-definitions)
            (error (threatls-test-fail
                    (format "xref-find-definitions: %s" (error-message-string err))))))
        (let ((line (string-trim (or (thing-at-point 'line t) ""))))
          (threatls-test-report "definition" (list (buffer-file-name) (line-number-at-pos) line))
          (unless (and (string-suffix-p "examples/shop/threatmodel.yaml" (or (buffer-file-name) ""))
                       (string-match-p "id: log-forging\\'" line))
            (threatls-test-fail
             "go to definition of #log-forging did not land on its id in the model")))))))

(let ((status 1))
  (unwind-protect
      (condition-case err
          (progn
            (threatls-test-run)
            (setq status (if threatls-test-failures 1 0)))
        (error (threatls-test-fail (format "error: %s" (error-message-string err)))))
    (when (and threatls-test-failures (getenv "THREATLS_DEBUG"))
      (dolist (server (hash-table-values eglot--servers-by-project))
        (dolist (s server)
          (with-current-buffer (jsonrpc-events-buffer s)
            (princ (buffer-string))))))
    (ignore-errors (eglot-shutdown-all))
    (princ (if threatls-test-failures
               (format "%d checks failed\n" (length threatls-test-failures))
             "ok\n"))
    (kill-emacs status)))

;;; batch.el ends here
