"""Local development settings: literals are fine here, prodready knows that."""

from .production import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-key"
CORS_ALLOW_ALL_ORIGINS = True
