;;; prodready-eglot.el --- The prodready language server in Eglot  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, tools, python

;;; Commentary:

;; Shows prodready findings (naive datetimes, hard-coded secrets, ...) in Python buffers
;; through Eglot and Flymake, with quick fixes through `eglot-code-actions'.
;;
;;   (add-to-list 'load-path "/path/to/prodready/editors/emacs")
;;   (require 'prodready-eglot)
;;   (prodready-eglot-setup)
;;   (add-hook 'python-mode-hook #'eglot-ensure)     ; and/or python-ts-mode-hook
;;
;; The server command is found per project: <root>/.venv/bin/prodready (also venv/, .env/,
;; env/), then $VIRTUAL_ENV/bin/prodready, `prodready' on PATH, else `python3 -c' with code
;; that starts prodready without importing from the project.
;; Set `prodready-server-command' to choose it yourself.
;;
;; Eglot runs one server per major mode and project: with this set-up prodready is *the*
;; server of Python buffers. See README.md for keeping another server for completion.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'project)

(defgroup prodready nil
  "The prodready language server."
  :group 'tools
  :prefix "prodready-")

(defcustom prodready-server-command nil
  "Command that starts the server: a list (PROGRAM ARGS...), e.g.
\(\"/path/to/.venv/bin/prodready\" \"server\").  nil: find it for each project."
  :type '(choice (const :tag "Find it per project" nil) (repeat string)))

(defcustom prodready-initialization-options nil
  "Server settings sent as LSP initializationOptions, a plist such as
\(:select [\"PR1\"] :ignore [\"PR305\"] :severity (:PR101 \"error\") :debounce 150).
The server also asks for section \"prodready\" of `eglot-workspace-configuration'."
  :type 'sexp)

(defcustom prodready-major-modes '(python-mode python-ts-mode)
  "Major modes whose buffers prodready checks."
  :type '(repeat symbol))

(defcustom prodready-virtualenv-names '(".venv" "venv" ".env" "env")
  "Folders of a project searched for a virtualenv holding prodready."
  :type '(repeat string))

(defun prodready--project-root ()
  "The folder of the current project, or nil."
  (or (locate-dominating-file default-directory "pyproject.toml")
      (when-let ((project (project-current)))
        (if (fboundp 'project-root) (project-root project) (car (project-roots project))))))

(defconst prodready--launch-code
  "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; import runpy; runpy.run_module('prodready', run_name='__main__', alter_sys=True)"
  "Python code that starts prodready without importing anything from the working directory.")

(defun prodready--find-server-command ()
  "The command that starts prodready for the current buffer's project."
  (let* ((windows (memq system-type '(windows-nt ms-dos)))
         (bin (if windows "Scripts" "bin"))
         (exe (if windows "prodready.exe" "prodready"))
         (root (prodready--project-root))
         (candidates
          (append
           (when root
             (mapcar (lambda (venv) (expand-file-name (concat venv "/" bin "/" exe) root))
                     prodready-virtualenv-names))
           (let ((venv (getenv "VIRTUAL_ENV")))
             (when (and venv (not (string-empty-p venv)))
               (list (expand-file-name (concat bin "/" exe) venv))))))
         (found (seq-find #'file-executable-p candidates)))
    (cond (found (list found "server"))
          ((executable-find "prodready") (list "prodready" "server"))
          ;; Not `python -m': that puts the project first on sys.path and Python imports a few
          ;; modules from there before prodready can drop it; this -c code drops it first.
          (t (list (if windows "python" "python3") "-c" prodready--launch-code "server")))))

(defun prodready-eglot-contact (&optional _interactive)
  "Eglot contact for prodready: the server command and its initializationOptions."
  (append (or prodready-server-command (prodready--find-server-command))
          (when prodready-initialization-options
            (list :initializationOptions prodready-initialization-options))))

;;;###autoload
(defun prodready-eglot-setup ()
  "Make Eglot start prodready for buffers in `prodready-major-modes'."
  (setq eglot-server-programs
        (cons (cons prodready-major-modes #'prodready-eglot-contact)
              (seq-remove (lambda (entry) (eq (cdr entry) #'prodready-eglot-contact))
                          eglot-server-programs))))

;;; Code actions.  Eglot's own `eglot-code-action-quickfix' does nothing in Eglot 1.9 (it
;;; asks for the actions but not to run them), and `eglot-code-actions' signals "No code
;;; actions here" when there are none -- an error that would abort a save when called from
;;; `before-save-hook'.  These two commands work from Eglot 1.9 on.

(defun prodready--code-actions (beg end kind)
  "The code actions of KIND between BEG and END, as a list (never signals)."
  (when (and (fboundp 'eglot-current-server) (eglot-current-server))
    (condition-case nil
        (eglot-code-actions beg end kind nil)
      (error nil))))

(defun prodready--execute (action kind)
  "Run one code ACTION (of KIND) with whichever entry point this Eglot has."
  (let ((server (eglot-current-server)))
    (if (fboundp 'eglot-execute)
        (eglot-execute server action)
      ;; Eglot 1.9-1.14: with one action of a given kind it runs it without asking.
      (eglot--read-execute-code-action (list action) server kind))))

;;;###autoload
(defun prodready-quickfix ()
  "Choose and apply a quick fix for the prodready finding at point."
  (interactive)
  (let* ((bounds (if (use-region-p) (list (region-beginning) (region-end)) (list (point) (point))))
         (actions (cl-remove-if-not
                   (lambda (a) (equal (plist-get a :kind) "quickfix"))
                   (prodready--code-actions (car bounds) (cadr bounds) "quickfix"))))
    (if (null actions)
        (message "prodready: no quick fix here")
      (let* ((titles (mapcar (lambda (a) (plist-get a :title)) actions))
             (preferred (or (cl-find-if (lambda (a) (plist-get a :isPreferred)) actions) (car actions)))
             (title (completing-read (format "Quick fix (default %s): " (plist-get preferred :title))
                                     titles nil t nil nil (plist-get preferred :title))))
        (prodready--execute (cl-find title actions :key (lambda (a) (plist-get a :title)) :test #'equal)
                            "quickfix")))))

;;;###autoload
(defun prodready-fix-all (&optional interactive)
  "Apply all safe prodready fixes to the buffer (code action source.fixAll.prodready).
Silent when there is nothing to fix, so it can run from `before-save-hook'; INTERACTIVE
\(set by \[prodready-fix-all]) says so in the echo area instead."
  (interactive (list t))
  (let ((action (car (prodready--code-actions (point-min) (point-max) "source.fixAll.prodready"))))
    (cond (action (prodready--execute action "source.fixAll.prodready"))
          (interactive (message "prodready: nothing to fix")))))

(provide 'prodready-eglot)
;;; prodready-eglot.el ends here
