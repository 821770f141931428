"""Flask configuration, read from the environment... mostly."""

import os

SECRET_KEY = os.getenv("SECRET_KEY", "dev-secret-change-me")
STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "sk_live_51HkQ2eLrR0aX9")
DEBUG = os.getenv("DEBUG", "True") == "True"
TESTING = bool(os.getenv("TESTING", False))

SQLALCHEMY_DATABASE_URI = "sqlite:///shop.db"
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
PAYMENT_PROVIDER_URL = "http://localhost:8081/api/payments"
INVOICE_TEMPLATE_DIR = "C:\\Users\\maria\\projects\\shop\\templates\\invoices"
EMAIL_SENDER = "orders@shop.example"
RECOMMENDER_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
CACHE_TTL_SECONDS = int(os.environ.get("CACHE_TTL_SECONDS", "300"))
