"""Stand-in for the Firefly server, for the boot test. It is NOT Firefly.

GET /firefly/healthz answers 200 (the service's healthcheck); under
/firefly/ it serves a page and a loader script (firefly_loader.js) that say
they come from a stand-in. Anything else is 404.
"""

import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOADER = (
    b"/* Firefly stand-in loader: NOT Firefly (boot test only). */\n"
    b"window.fireflyStandIn = true;\n"
)
PAGE = (
    b"<!doctype html><title>Firefly stand-in</title>"
    b"<p>Firefly stand-in: NOT Firefly (boot test only).</p>"
    b'<script src="/firefly/firefly_loader.js"></script>'
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/firefly/healthz":
            self.reply(200, b"ok\n", "text/plain")
        elif path == "/firefly/firefly_loader.js":
            self.reply(200, LOADER, "application/javascript")
        elif path in {"/firefly", "/firefly/"}:
            self.reply(200, PAGE, "text/html")
        else:
            self.reply(404, b"not found\n", "text/plain")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Firefly-Stand-In", "true")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    # As PID 1, Python would ignore `docker stop`'s SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
