"""Portal-wide protections: Content-Security-Policy with nonces, 503 on a lost database.

CSP (SPEC §13): scripts, images, frames and connections only from the portal
itself and the configured Firefly origin; an inline `<script>` runs only
with the per-request nonce (`{{ csp_nonce }}` in templates).
"""

import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def firefly_origins():
    """Origins (http(s) and ws(s)) of FIREFLY_URL, or [] when it is relative/empty."""
    parts = urlsplit(settings.FIREFLY_URL)
    if not parts.scheme or not parts.netloc:
        return []
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def build_policy(nonce):
    """The CSP header value for one response."""
    firefly = " ".join(firefly_origins())
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}' {firefly}",
        "style-src": f"'self' 'unsafe-inline' {firefly}",
        "img-src": f"'self' data: blob: {firefly}",
        "font-src": "'self' data:",
        "connect-src": f"'self' {firefly}",
        "frame-src": f"'self' {firefly}",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Give each request a nonce and each HTML response a CSP header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = build_policy(request.csp_nonce)
        return response


def csp_nonce(request):
    """Template context processor: `{{ csp_nonce }}` for the rare inline script."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class DatabaseUnavailableMiddleware:
    """Answer 503 (not 500) while the database is unreachable.

    Django drops a broken connection at the end of the request
    (`CONN_HEALTH_CHECKS` re-checks it at the start of the next), so the
    portal recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            response = JsonResponse(
                {"error": "The database is unavailable; retry shortly."}, status=503
            )
        else:
            # Rendered here: when the database fails while a TemplateResponse
            # renders, Django hands this response on without rendering it.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
