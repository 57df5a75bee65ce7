"""Small portal-wide views."""

from django.db import connection
from django.http import HttpResponse, JsonResponse


def healthz(request):
    """200 when the database answers, 503 otherwise (container healthchecks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return JsonResponse({"status": "error", "error": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


def auth_check(request):
    """200 for a logged-in session, 401 otherwise: nginx `auth_request` target.

    nginx asks this before proxying `/firefly/`, so the viewer is reachable
    only with a portal login. It reads the session and user (two indexed
    lookups) and nothing else; the answer must never be cached.
    """
    status = 200 if request.user.is_authenticated else 401
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    return response
