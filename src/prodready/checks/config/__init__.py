"""Configuration rules (PR205-PR209): values that differ between machines and deployments
(service URLs, bind addresses, paths, hosts, databases) written into the code.

One module per rule; helpers shared inside the family are in ``_shared``.
"""
