"""Configuration rules (PR205-PR209): values that differ between machines and deployments
(service URLs, bind addresses, paths, hosts, databases) written into the code.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.config.hardcoded_absolute_path import HardcodedAbsolutePath
from prodready.checks.config.hardcoded_config import HardcodedConfig
from prodready.checks.config.hardcoded_localhost_url import HardcodedLocalhostUrl
from prodready.checks.config.hardcoded_server_bind import HardcodedServerBind
from prodready.checks.config.sqlite_production_db import SqliteProductionDb

__all__ = [
    "HardcodedAbsolutePath",
    "HardcodedConfig",
    "HardcodedLocalhostUrl",
    "HardcodedServerBind",
    "SqliteProductionDb",
]
