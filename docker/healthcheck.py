"""Web container healthcheck: GET /healthz the way nginx reaches the portal.

The request carries the first allowed host name and `X-Forwarded-Proto:
https`, so production settings (ALLOWED_HOSTS, SSL redirect) answer it as
they answer nginx. Exit status 0 = healthy, 1 = unhealthy (Docker's rule).
"""

import os
import sys
import urllib.request


def first_allowed_host():
    """The first concrete name in ALLOWED_HOSTS (wildcards skipped)."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (e.g. to https) means the settings did not accept the request."""

    def redirect_request(self, *args, **kwargs):
        return None


def main():
    port = os.environ.get("WEB_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": first_allowed_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except Exception as exc:
        sys.stderr.write(f"healthcheck failed: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
