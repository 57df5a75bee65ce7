"""Serve stored survey files to logged-in users only (SPEC §13).

Behind nginx (`MEDIA_ACCEL_REDIRECT=true`) the view answers with an
`X-Accel-Redirect` header and nginx sends the bytes from an internal
location; otherwise Django streams the file itself.
"""

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join

from portal.settings.base import env_bool

ACCEL_PREFIX = "/protected-media/"


@login_required
def protected_media(request, path):
    """Send MEDIA_ROOT/`path` to an authenticated user; 404 outside MEDIA_ROOT."""
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:
        raise Http404("No such file") from None
    if not full_path.is_file():
        raise Http404("No such file")
    content_type = mimetypes.guess_type(full_path.name)[0] or "application/octet-stream"
    if env_bool("MEDIA_ACCEL_REDIRECT", False):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = ACCEL_PREFIX + os.path.relpath(
            full_path, settings.MEDIA_ROOT
        )
        return response
    return FileResponse(open(full_path, "rb"), content_type=content_type)
