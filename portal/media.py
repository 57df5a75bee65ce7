"""Serve stored survey files to logged-in users only, never to the public.

After the permission check the bytes go out by the cheapest road that
keeps the check in front of them:
- media in S3-compatible object storage (several hosts): a redirect to a
  presigned URL for that one object, valid MEDIA_URL_EXPIRY_S seconds. The
  object store sends the bytes, so a 500 MB FITS download never holds a
  gunicorn worker for minutes, and the bucket stays private (a URL handed
  on stops working within a minute);
- media on disk behind nginx (`MEDIA_ACCEL_REDIRECT=true`): an
  `X-Accel-Redirect` header, and nginx sends the file from an internal
  location;
- otherwise Django streams the file itself.
`delegated_download` is the one place that builds the first two answers,
for this view and for the candidate page's downloads alike.
"""

import mimetypes
import posixpath
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from catalogue.access.rules import may_see_media
from portal.settings.base import env_bool

ACCEL_PREFIX = "/protected-media/"


def stored_in_object_storage(storage):
    """True for django-storages' S3 backend (it signs URLs), False for disk."""
    return hasattr(storage, "bucket_name") and hasattr(storage, "querystring_expire")


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


def presigned_redirect(storage, name, content_type, disposition=None):
    """302 to a presigned GET of `name` that answers with `content_type` and,
    when given, `disposition` as its Content-Disposition."""
    parameters = {"ResponseContentType": content_type}
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    response = HttpResponseRedirect(storage.url(name, parameters=parameters))
    response["Cache-Control"] = "private, no-store"  # the URL expires
    return response


def delegated_download(storage, name, content_type, disposition=None):
    """The answer that has someone else send the stored file `name` (the
    object store or nginx), or None: the caller streams it itself."""
    if stored_in_object_storage(storage):
        return presigned_redirect(storage, name, content_type, disposition)
    response = accel_redirect(name, content_type)
    if response is not None and disposition:
        response["Content-Disposition"] = disposition
    return response


def storage_name(path):
    """`path` from the URL as a storage name, or Http404 when it would leave
    the media root (`..`, an absolute path)."""
    name = posixpath.normpath(path)
    if name.startswith(("/", "../")) or name in {".", ".."} or "\0" in name:
        raise Http404("No such file")
    return name


@login_required
def protected_media(request, path):
    """Send the stored file `path` to an authenticated user; 404 outside the
    media root, for a file of a project hidden from the user, for a part
    still being received, and when no such file is stored."""
    name = storage_name(path)
    if not servable_name(name) or not is_stored_file(default_storage, name):
        raise Http404("No such file")
    if not may_see_media(request.user, name):
        # The same answer as a missing file: a restricted project's files do
        # not exist for a non-member.
        raise Http404("No such file")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = delegated_download(default_storage, name, content_type)
    if response is not None:
        return response
    return FileResponse(default_storage.open(name, "rb"), content_type=content_type)


def servable_name(name):
    """False for a name with a hidden part (`.incoming/` holds uploads still
    being received and checked; nothing of the portal's starts with a dot)."""
    return not any(part.startswith(".") for part in name.split("/"))


def is_stored_file(storage, name):
    """True when `name` is a stored file (on disk: a file, not a folder)."""
    try:
        if stored_in_object_storage(storage):
            return storage.exists(name)
        return Path(storage.path(name)).is_file()
    except SuspiciousFileOperation:
        return False
