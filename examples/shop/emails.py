"""Receipts by e-mail."""

import logging
import smtplib

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

SMTP_PASSWORD = "hunter2-but-longer"


def send_receipt(address, order):
    logger.info("connecting to smtp with password %s", SMTP_PASSWORD)
    try:
        with smtplib.SMTP("smtp.shop.example", 587, timeout=10) as smtp:
            smtp.login("orders", SMTP_PASSWORD)
            smtp.sendmail("orders@shop.example", [address], f"Order {order['id']} received")
    except Exception:
        logger.exception("could not send receipt")
        logger.error("receipt failed for %s", address, exc_info=True)
