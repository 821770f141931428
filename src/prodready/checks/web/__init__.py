"""Web and security rules (PR401-PR404, PR406-PR408): CSRF, CORS, shell commands, unsafe
servers, remote code and SQL built from strings. PR405 (HTTP timeouts) lives in http.py.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
