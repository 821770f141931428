"""Secrets and debug rules (PR201-PR204): credentials in source, secret fallbacks, debug mode
on by default, and ``bool()`` of environment strings.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
