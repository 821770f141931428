"""Performance and resource rules (PR5xx): work repeated on every request, leaks, unbounded
state, fragile singletons, ORM relationships that cannot be deleted, files too big to review.

"Handlers" (routes, Socket.IO events, Django/DRF views, Celery tasks) come from
`prodready.core.frameworks` via ``ctx.handler`` so every rule agrees on what runs per call.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
