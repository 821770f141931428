"""Legacy reporting: every report the back office ever asked for, in one module."""

import csv
import io
from collections import defaultdict


def daily_sales_report(rows, since=None):
    """Daily sales per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("total", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "total"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "orders"])
    return buffer.getvalue()


def refunds_report(rows, since=None):
    """Refunds per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("amount", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "amount"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "refunds"])
    return buffer.getvalue()


def new_customers_report(rows, since=None):
    """New customers per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("count", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "count"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "customers"])
    return buffer.getvalue()


def abandoned_carts_report(rows, since=None):
    """Abandoned carts per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("count", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "count"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "carts"])
    return buffer.getvalue()


def top_products_report(rows, since=None):
    """Top products per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("units", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "units"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "order_items"])
    return buffer.getvalue()


def shipping_delays_report(rows, since=None):
    """Shipping delays per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("days", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "days"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "shipments"])
    return buffer.getvalue()


def coupon_usage_report(rows, since=None):
    """Coupon usage per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("uses", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "uses"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "coupons"])
    return buffer.getvalue()


def returns_by_reason_report(rows, since=None):
    """Returns by reason per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("count", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "count"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "returns"])
    return buffer.getvalue()


def payment_failures_report(rows, since=None):
    """Payment failures per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("count", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "count"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "payments"])
    return buffer.getvalue()


def inventory_low_report(rows, since=None):
    """Inventory low per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("stock", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "stock"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "inventory"])
    return buffer.getvalue()


def review_scores_report(rows, since=None):
    """Review scores per day, as CSV for the back office."""
    buckets = defaultdict(float)
    for row in rows:
        if since is not None and row["day"] < since:
            continue
        buckets[row["day"]] += float(row.get("score", 0) or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "score"])
    for day in sorted(buckets):
        writer.writerow([day, round(buckets[day], 2)])
    writer.writerow(["source", "reviews"])
    return buffer.getvalue()


REPORTS = {
    "daily_sales": daily_sales_report,
    "refunds": refunds_report,
    "new_customers": new_customers_report,
    "abandoned_carts": abandoned_carts_report,
    "top_products": top_products_report,
    "shipping_delays": shipping_delays_report,
    "coupon_usage": coupon_usage_report,
    "returns_by_reason": returns_by_reason_report,
    "payment_failures": payment_failures_report,
    "inventory_low": inventory_low_report,
    "review_scores": review_scores_report,
}
