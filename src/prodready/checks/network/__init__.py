"""Outgoing HTTP rules (PR405): requests without a timeout block a worker forever.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
