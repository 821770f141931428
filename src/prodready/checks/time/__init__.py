"""Time rules (PR1xx): naive datetimes that break in production.

One module per rule; helpers shared inside the family are in ``_shared``.
"""

from prodready.checks.time.naive_utcnow import NaiveUtcnow

__all__ = [
    "NaiveUtcnow",
]
