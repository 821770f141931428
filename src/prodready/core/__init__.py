"""The analysis engine: source text, name resolution, rules, findings, configuration.

Nothing here knows about LSP, terminals or any particular rule.
"""
