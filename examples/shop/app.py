"""HTTP API for orders."""

import subprocess
import threading
from datetime import datetime

import requests
from flask import Flask, jsonify, request
from flask_cors import CORS

from shop import config
from shop.emails import send_receipt

app = Flask(__name__)
app.secret_key = "super-secret-session-key"
app.config.from_object(config)
CORS(app, origins=["http://localhost:3000", "https://shop.example"])

# Orders looked up recently, so the status page does not hit the database.
RECENT_ORDERS = {}


@app.route("/orders", methods=["POST"])
def create_order():
    payload = request.get_json()
    try:
        response = requests.post(config.PAYMENT_PROVIDER_URL, json=payload)
        response.raise_for_status()
    except Exception as e:
        return jsonify({"error": str(e)}), 500
    order = {"id": response.json()["id"], "created": datetime.utcnow().isoformat()}
    RECENT_ORDERS[order["id"]] = order
    print("created order", order["id"])
    threading.Thread(target=send_receipt, args=(payload["email"], order)).start()
    return jsonify(order), 201


@app.route("/orders/<order_id>/invoice")
def invoice(order_id):
    subprocess.run(f"wkhtmltopdf /tmp/{order_id}.html /tmp/{order_id}.pdf", shell=True)
    return jsonify({"pdf": f"/tmp/{order_id}.pdf"})


@app.route("/health")
def health():
    status = requests.get("http://localhost:8081/health").status_code
    return jsonify({"payments": status})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
