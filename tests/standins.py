"""Loopback stand-ins of services that cannot run here.

Firefly, SIMBAD and a flaky proxy in front of the portal are each played by
a small `http.server` handler; this base gives them one way to answer and
keeps their request logs out of the test output, and `serve_in_thread`
runs one for a test.
"""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandInHandler(BaseHTTPRequestHandler):
    """A quiet handler whose answers carry a Content-Length."""

    def reply(self, status, body=b"", content_type=None):
        """Send `status`, then `body` (bytes) as `content_type`."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serve_in_thread(handler):
    """A loopback HTTP server running `handler` in a thread; yields its base URL.

    For the stand-ins above (Firefly, SIMBAD, the flaky proxy).
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
