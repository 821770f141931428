"""Errors and logging rules (PR3xx): exceptions that leak or vanish, logging set up or used
in ways that hurt in production.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
