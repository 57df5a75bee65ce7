"""Serve stored survey files to logged-in users only, never to the public.

Behind nginx (`MEDIA_ACCEL_REDIRECT=true`) the view answers with an
`X-Accel-Redirect` header and nginx sends the bytes from an internal
location; otherwise Django streams the file itself. `accel_redirect` is the
one place that builds that answer, for this view and for the candidate
page's downloads alike.
"""

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join

from catalogue.access.rules import may_see_media
from portal.settings.base import env_bool

ACCEL_PREFIX = "/protected-media/"


def accel_redirect(media_path, content_type):
    """An empty response that has nginx send MEDIA_ROOT/`media_path`.

    `media_path` is relative to MEDIA_ROOT (a storage name). None when
    MEDIA_ACCEL_REDIRECT is off: then the caller streams the file itself.
    """
    if not env_bool("MEDIA_ACCEL_REDIRECT", False):
        return None
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = ACCEL_PREFIX + Path(media_path).as_posix()
    return response


@login_required
def protected_media(request, path):
    """Send MEDIA_ROOT/`path` to an authenticated user; 404 outside MEDIA_ROOT
    and for a file of a project hidden from the user."""
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:
        raise Http404("No such file") from None
    if not full_path.is_file():
        raise Http404("No such file")
    storage_name = Path(os.path.relpath(full_path, settings.MEDIA_ROOT)).as_posix()
    if not may_see_media(request.user, storage_name):
        # The same answer as a missing file: a restricted project's files do
        # not exist for a non-member.
        raise Http404("No such file")
    content_type = mimetypes.guess_type(full_path.name)[0] or "application/octet-stream"
    redirect = accel_redirect(storage_name, content_type)
    if redirect is not None:
        return redirect
    return FileResponse(open(full_path, "rb"), content_type=content_type)
