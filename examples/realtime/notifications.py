"""Live order notifications over Socket.IO."""

import threading

from flask import Flask
from flask_socketio import SocketIO, emit

app = Flask(__name__)
socketio = SocketIO(app, cors_allowed_origins="*")
SOCKET_URL = "ws://localhost:5001/socket.io"


class Notifier:
    """Process-wide notifier."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __init__(self):
        self.subscribers = []
        self.lock = threading.Lock()


@socketio.on("subscribe")
def subscribe(data):
    try:
        Notifier().subscribers.append(data["order_id"])
    except KeyError as e:
        emit("error", {"message": "missing field " + str(e)})


if __name__ == "__main__":
    socketio.run(app, port=5001, allow_unsafe_werkzeug=True)
