"""Errors and logging rules (PR3xx): exceptions that leak or vanish, logging set up or used
in ways that hurt in production.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.errors.broad_except import BroadExcept
from prodready.checks.errors.exception_detail_leak import ExceptionDetailLeak
from prodready.checks.errors.logging_basicconfig_in_library import LoggingBasicConfigInLibrary
from prodready.checks.errors.print_in_production_code import PrintInProductionCode
from prodready.checks.errors.redundant_exception_logging import RedundantExceptionLogging
from prodready.checks.errors.secret_in_log import SecretInLog

__all__ = [
    "BroadExcept",
    "ExceptionDetailLeak",
    "LoggingBasicConfigInLibrary",
    "PrintInProductionCode",
    "RedundantExceptionLogging",
    "SecretInLog",
]
