"""Performance and resource rules (PR5xx): work repeated on every request, leaks, unbounded
state, fragile singletons, ORM relationships that cannot be deleted, files too big to review.

"Handlers" (routes, Socket.IO events, Django/DRF views, Celery tasks) come from
`prodready.core.frameworks` via ``ctx.handler`` so every rule agrees on what runs per call.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.resources.connection_per_call import ConnectionPerCall
from prodready.checks.resources.db_connection_leak import DbConnectionLeak
from prodready.checks.resources.god_file import GodFile
from prodready.checks.resources.missing_cascade_delete import MissingCascadeDelete
from prodready.checks.resources.model_load_per_call import ModelLoadPerCall
from prodready.checks.resources.singleton_reinit import SingletonReinit
from prodready.checks.resources.thread_per_request import ThreadPerRequest
from prodready.checks.resources.unbounded_global_state import UnboundedGlobalState

__all__ = [
    "ConnectionPerCall",
    "DbConnectionLeak",
    "GodFile",
    "MissingCascadeDelete",
    "ModelLoadPerCall",
    "SingletonReinit",
    "ThreadPerRequest",
    "UnboundedGlobalState",
]
