"""A small order service: Flask API, SQLAlchemy models, Celery tasks.

Written the way code looks when it reaches review, with the anti-patterns prodready finds.
"""
