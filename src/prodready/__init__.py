"""prodready: find the mistakes senior reviewers find when a Python service goes to production."""

__version__ = "0.1.0"
