"""Web and security rules (PR401-PR404, PR406-PR408): CSRF, CORS, shell commands, unsafe
servers, remote code and SQL built from strings. PR405 (HTTP timeouts) lives in http.py.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.web.cors_allow_all import CorsAllowAll
from prodready.checks.web.csrf_exempt import CsrfExempt
from prodready.checks.web.hardcoded_cors_origins import HardcodedCorsOrigins
from prodready.checks.web.raw_sql_string import RawSqlString
from prodready.checks.web.subprocess_shell import SubprocessShell
from prodready.checks.web.trust_remote_code import TrustRemoteCode
from prodready.checks.web.unsafe_werkzeug_allowed import UnsafeWerkzeugAllowed

__all__ = [
    "CorsAllowAll",
    "CsrfExempt",
    "HardcodedCorsOrigins",
    "RawSqlString",
    "SubprocessShell",
    "TrustRemoteCode",
    "UnsafeWerkzeugAllowed",
]
