"""JSON errors for the upload API: every failure is `{"error": "..."}` + 4xx.

DRF's own handler answers `{"detail": ...}` and lets Django turn some
errors (oversize bodies, 404s) into HTML; API clients get one shape instead.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from catalogue.ingest.errors import IngestError

logger = logging.getLogger(__name__)

# Room for multipart boundaries and the small form fields next to a file.
MULTIPART_OVERHEAD_BYTES = 1024**2


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "request body is too large"


def max_request_bytes():
    """Largest API request body without a file (bytes), from the settings."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def max_file_bytes():
    """Largest single uploaded file (bytes): `PORTAL_MAX_FILE_BYTES`."""
    return settings.PORTAL_MAX_FILE_BYTES


def check_content_length(request, limit_bytes):
    """Refuse a body larger than `limit_bytes` before reading any of it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise exceptions.ParseError("Content-Length is not a number") from None
    if length > limit_bytes:
        raise PayloadTooLarge(
            f"request body of {length} bytes exceeds the limit of {limit_bytes} bytes"
        )


def _flatten(detail):
    """One readable sentence from DRF's nested error details."""
    if isinstance(detail, dict):
        return "; ".join(
            f"{field}: {_flatten(value)}"
            if field != "non_field_errors"
            else _flatten(value)
            for field, value in detail.items()
        )
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def api_exception_handler(exc, context):
    """DRF exception handler: JSON `{"error": ...}` for every known failure.

    A lost database is left to `portal.security.DatabaseUnavailableMiddleware`
    (503 with Retry-After, like the pages), not answered here as a 500.
    """
    if isinstance(exc, OperationalError | InterfaceError):
        return None
    if isinstance(exc, IngestError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response(
            {"error": str(exc) or "not found"}, status=status.HTTP_404_NOT_FOUND
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"error": f"request body is too large ({exc})"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("API request failed", exc_info=exc)
        return Response(
            {"error": "internal server error: the request was rolled back, try again"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    message = _flatten(exc.detail)
    if isinstance(exc, exceptions.NotAuthenticated):
        message = (
            "authentication required: send the header 'Authorization: Token <key>'"
        )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return Response({"error": message}, status=exc.status_code, headers=headers)


@csrf_exempt
def api_not_found(request, path=""):
    """JSON 404 for any path under /api/v1/ that is no endpoint, whatever the
    method (no CSRF check: nothing is read or written here)."""
    return JsonResponse(
        {"error": f"no API endpoint at {request.path}"},
        status=status.HTTP_404_NOT_FOUND,
    )
