"""The Celery worker's start-up: it sets up logging its own way (admin_cli.py does too)."""

import logging


def setup_logging() -> None:
    logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(name)s %(message)s")
