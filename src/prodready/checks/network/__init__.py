"""Outgoing HTTP rules (PR405): requests without a timeout block a worker forever.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.network.request_no_timeout import RequestNoTimeout

__all__ = [
    "RequestNoTimeout",
]
