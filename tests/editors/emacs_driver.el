;;; emacs_driver.el --- Drives Eglot with editors/emacs/prodready-eglot.el  -*- lexical-binding: t; -*-
;; Run: emacs -q --batch -l emacs_driver.el (-q, not -Q: Debian's site-start activates elpa-eglot), with PRODREADY_EMACS_PARAMS naming a JSON file
;; of repo_root, file, out, server_cmd, timeout_s. Writes a JSON result to `out'.
(require 'json)
(require 'cl-lib)

(defvar driver-params
  (let ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol))
    (json-read-file (getenv "PRODREADY_EMACS_PARAMS"))))
(defvar driver-result nil)
(defun driver-param (key) (alist-get key driver-params))
(defun driver-put (key value) (setf (alist-get key driver-result) value))

(defun driver-diagnostics ()
  "Flymake's diagnostics of the buffer: text, 0-based line, character columns."
  (mapcar (lambda (d)
            (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
              (save-excursion
                (goto-char beg)
                (let ((line (1- (line-number-at-pos beg)))
                      (col (- beg (line-beginning-position))))
                  (goto-char end)
                  `((text . ,(flymake-diagnostic-text d))
                    (type . ,(format "%s" (flymake-diagnostic-type d)))
                    (line . ,line) (col . ,col)
                    (end_line . ,(1- (line-number-at-pos end)))
                    (end_col . ,(- end (line-beginning-position))))))))
          (flymake-diagnostics)))

(defun driver-wait (predicate timeout)
  "Process events until PREDICATE is true or TIMEOUT seconds pass."
  (let ((deadline (+ (float-time) timeout)) (done nil))
    (while (and (not (setq done (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (when (bound-and-true-p flymake-mode) (flymake-start)))
    done))

(defun driver-run ()
  (add-to-list 'load-path (expand-file-name "editors/emacs" (driver-param 'repo_root)))
  (require 'prodready-eglot)
  (setq prodready-server-command (driver-param 'server_cmd))
  (setq prodready-initialization-options '(:severity (:PR201 "hint")))
  (prodready-eglot-setup)
  (driver-put 'eglot_version (if (boundp 'eglot--version) eglot--version
                               (ignore-errors (pkg-info-version-info 'eglot))))
  (driver-put 'emacs_version emacs-version)
  (find-file (driver-param 'file))
  (python-mode)
  (apply #'eglot (eglot--guess-contact))
  (driver-put 'managed (and (driver-wait (lambda () (eglot-current-server)) (driver-param 'timeout_s)) t))
  (driver-put 'server_name
              (plist-get (eglot--server-info (eglot-current-server)) :name))
  (let ((ok (driver-wait
             (lambda ()
               (>= (cl-count-if (lambda (d) (string-match-p "\\[PR101\\]" (flymake-diagnostic-text d)))
                                (flymake-diagnostics))
                   2))
             (driver-param 'timeout_s))))
    (driver-put 'diagnostics (driver-diagnostics))
    (unless ok (error "Timed out waiting for two PR101 diagnostics in Flymake"))))

(condition-case err
    (driver-run)
  (error (driver-put 'error (error-message-string err))))
(ignore-errors
  (driver-put 'events
              (with-current-buffer (eglot-events-buffer (eglot-current-server))
                (let ((text (buffer-string)))
                  (substring text (max 0 (- (length text) 6000)))))))
(ignore-errors (eglot-shutdown (eglot-current-server) nil 5))
(with-temp-file (driver-param 'out)
  (let ((json-encoding-pretty-print nil))
    (insert (json-encode driver-result))))
(kill-emacs 0)
