"""Secrets and debug rules (PR201-PR204): credentials in source, secret fallbacks, debug mode
on by default, and ``bool()`` of environment strings.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.secrets.debug_default_true import DebugDefaultTrue
from prodready.checks.secrets.env_bool_parse import EnvBoolParse
from prodready.checks.secrets.hardcoded_secret import HardcodedSecret
from prodready.checks.secrets.hardcoded_secret_default import HardcodedSecretDefault

__all__ = [
    "DebugDefaultTrue",
    "EnvBoolParse",
    "HardcodedSecret",
    "HardcodedSecretDefault",
]
