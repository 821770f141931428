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

;;;###autoload
(defun prodready-fix-all ()
  "Apply all safe prodready fixes to the buffer (code action source.fixAll.prodready)."
  (interactive)
  (eglot-code-actions (point-min) (point-max) "source.fixAll.prodready" t))

(provide 'prodready-eglot)
;;; prodready-eglot.el ends here
