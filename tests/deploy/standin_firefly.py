"""A stand-in for the Firefly server (no Firefly runs on this machine).

It is NOT Firefly: it answers just enough for the nginx test to see what
nginx forwards. A websocket handshake (`Upgrade: websocket`) gets a real
`101 Switching Protocols` (RFC 6455 accept key), then one text frame, so the
test can tell the tunnel is open end to end. Any other GET gets 200 with the
request line and headers it received, as JSON. Every request is recorded.
"""

import base64
import hashlib
import json
import threading
from http.server import ThreadingHTTPServer

from tests.standins import StandInHandler

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
FRAME_TEXT = b"firefly stand-in says hello"


class _Handler(StandInHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.requests.append({"path": self.path, "headers": headers})
        if headers.get("upgrade", "").lower() == "websocket":
            key = headers.get("sec-websocket-key", "")
            accept = base64.b64encode(
                hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()
            ).decode()
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            # One unmasked server-to-client text frame (FIN + opcode 1).
            self.wfile.write(bytes([0x81, len(FRAME_TEXT)]) + FRAME_TEXT)
            self.wfile.flush()
            self.close_connection = True
            return
        body = json.dumps({"path": self.path, "headers": headers}).encode()
        self.reply(200, body, "application/json")


class StandInFirefly:
    """Run the stand-in on 127.0.0.1:`port` in a daemon thread."""

    def __init__(self, port):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.daemon_threads = True
        self.server.requests = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def requests(self):
        return self.server.requests

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
