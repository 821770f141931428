"""Invoice attachments: uploaded files are saved as they come."""

from flask import request

from shop.app import app


@app.post("/orders/<int:order_id>/attachments")
def attach(order_id: int):
    upload = request.files["file"]
    upload.save(f"/srv/attachments/{order_id}-{upload.filename}")
    return {"ok": True}
