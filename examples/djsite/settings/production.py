"""Django settings for the storefront (production)."""

from pathlib import Path

import environ

env = environ.Env()
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-7f#k2m!x9q@w3e$r5t^y6u&i8o*p0"
DEBUG = True
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["storefront.example"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "corsheaders",
    "rest_framework",
    "storefront",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

CORS_ALLOW_ALL_ORIGINS = True
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="mailpass123")
USE_TZ = True
