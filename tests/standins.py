"""Request handlers for loopback stand-ins of services that cannot run here.

Firefly, SIMBAD and a flaky proxy in front of the portal are each played by
a small `http.server` handler; this base gives them one way to answer and
keeps their request logs out of the test output.
"""

from http.server import BaseHTTPRequestHandler


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
