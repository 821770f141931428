"""Time rules (PR1xx): naive datetimes that break in production.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
