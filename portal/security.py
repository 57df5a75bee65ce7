"""Portal-wide protections: CSP with nonces, 503 on a lost database, JSON API errors.

CSP: scripts, images, frames and connections only from the portal
itself and the configured Firefly origin (images and connections also from
the media object storage, when media lives there); an inline `<script>` runs only
with the per-request nonce (`{{ csp_nonce }}` in templates).
"""

import logging
import secrets
from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Seconds a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER_S = 5
# Headers of Django's own error answers that a JSON rewrite keeps.
KEPT_ERROR_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


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
    media = settings.MEDIA_STORAGE_ORIGIN  # presigned media URLs (object storage)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}' {firefly}",
        "style-src": f"'self' 'unsafe-inline' {firefly}",
        "img-src": f"'self' data: blob: {firefly} {media}",
        "font-src": "'self' data:",
        "connect-src": f"'self' {firefly} {media}",
        "frame-src": f"'self' {firefly}",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(
        f"{name} {' '.join(value.split())}" for name, value in directives.items()
    )


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
        if request.path.startswith(API_PREFIX):
            response = api_error(503, "the database is unavailable; retry shortly")
        else:
            # Rendered here: when the database fails while a TemplateResponse
            # renders, Django hands this response on without rendering it.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
        return response


def api_error(status, message):
    """The API's one error shape: `{"error": message}` with `status`."""
    return JsonResponse({"error": message}, status=status)


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


def _is_chunked(request):
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and not request.META.get("CONTENT_LENGTH")


def _message_for(request, status):
    if status == HTTPStatus.NOT_FOUND:
        return f"no API endpoint at {request.path}"
    if status == HTTPStatus.FORBIDDEN:
        return (
            "forbidden (CSRF check of a browser session): the API takes the "
            "header 'Authorization: Token <key>'"
        )
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return f"HTTP {status}"


class ApiJsonErrorsMiddleware:
    """Every error under `/api/` is JSON `{"error": ...}`, whoever answered.

    The API's views answer JSON themselves, but Django's own answers are
    HTML: the CSRF 403, the URL resolver's 404 (a path with a newline
    escapes the catch-all pattern), the 400 of a bad Host or oversize body
    read by a middleware, the 500 handler. First in `MIDDLEWARE`, this sees
    all of them. It also refuses chunked bodies (411): Django reads only
    `Content-Length` bytes, so a chunked body would look empty and be
    answered "field required". A path with a NUL character names no
    endpoint (404): PostgreSQL refuses NUL in the text it compares.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if "\x00" in request.path:
            return api_error(HTTPStatus.NOT_FOUND, _message_for(request, 404))
        if _is_chunked(request):
            return api_error(
                HTTPStatus.LENGTH_REQUIRED,
                "send the body with a Content-Length header "
                "(chunked transfer encoding is not supported)",
            )
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        rewritten = api_error(
            response.status_code, _message_for(request, response.status_code)
        )
        for header in KEPT_ERROR_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten
