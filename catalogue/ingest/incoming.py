"""Uploaded files streamed to disk next to media storage, hashed as they arrive.

`HashingUploadHandler` is a Django upload handler: each file part of a
multipart request is written, chunk by chunk, into a private temporary file
in `<MEDIA_ROOT>/.incoming/` while its sha256 is computed, so a file is never
held in memory and never read twice. The temporary file is on the same
filesystem as the media files, so storing it is a hard link (`place_file`):
no copy, and the stored name appears complete or not at all.

Files under `.incoming/` belong to no row; a request removes its own when it
ends (`discard`), and `manage.py check_media` removes any a killed worker left.
"""

import ctypes
import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

INCOMING_FOLDER = ".incoming"
# Bytes handed to the handler at a time: large enough that Python's per-chunk
# cost is small next to the copy, small enough to stay in the CPU cache.
CHUNK_BYTES = 256 * 1024


def has_local_path(storage):
    """True for storages with files on a local filesystem (`storage.path`)."""
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True


def incoming_dir(storage=default_storage):
    """The folder for files being received: inside MEDIA_ROOT when the media
    are local (hard links need one filesystem), else the system temp folder."""
    if has_local_path(storage):
        folder = Path(storage.path(INCOMING_FOLDER))
    else:
        folder = Path(tempfile.gettempdir()) / "portal-incoming"
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def fsync_enabled():
    """Whether stored files are flushed to the disk before their rows commit
    (`PORTAL_UPLOAD_FSYNC`, default on; `make_durable`): a power cut then
    never leaves a row pointing at a file the disk did not keep."""
    return getattr(settings, "PORTAL_UPLOAD_FSYNC", True)


class IncomingFile(UploadedFile):
    """A received file part: its temporary `path`, `size` (bytes), `sha256` (hex)."""

    def __init__(self, path, name, content_type, size, sha256):
        super().__init__(
            open(path, "rb"), name=name, content_type=content_type, size=size
        )
        self.path = Path(path)
        self.sha256 = sha256

    def temporary_file_path(self):
        return str(self.path)


class HashingUploadHandler(FileUploadHandler):
    """Write every file part to `incoming_dir()` and hash it on the way."""

    chunk_size = CHUNK_BYTES

    def __init__(self, request=None):
        super().__init__(request)
        self.paths = []
        self.folder = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.folder = self.folder or incoming_dir()
        descriptor, path = tempfile.mkstemp(dir=self.folder, prefix="part-")
        self.paths.append(Path(path))
        self.output = os.fdopen(descriptor, "wb")
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self.digest.update(raw_data)
        self.output.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.output.close()
        return IncomingFile(
            self.paths[-1],
            self.file_name,
            self.content_type,
            file_size,
            self.digest.hexdigest(),
        )

    def upload_interrupted(self):
        self.discard()

    def discard(self):
        """Remove every temporary file of this request that is still there."""
        output = getattr(self, "output", None)
        if output is not None and not output.closed:
            output.close()
        for path in self.paths:
            path.unlink(missing_ok=True)


def place_file(storage, wanted_name, source_path):
    """Store the file at `source_path` as `wanted_name` (or a free variant of
    it); returns the storage name used.

    On local storage it is a hard link, which fails rather than overwrite,
    so two requests can never write one name; elsewhere a normal save.
    """
    if not has_local_path(storage):
        with open(source_path, "rb") as source:
            return storage.save(wanted_name, source)
    os.chmod(source_path, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
    name = wanted_name
    while True:
        target = Path(storage.path(name))
        try:
            os.link(source_path, target)
        except FileNotFoundError:
            if not os.path.exists(source_path):
                raise
            # The folder is new (another request may be creating it too).
            target.parent.mkdir(parents=True, exist_ok=True)
            continue
        except FileExistsError:
            name = storage.get_available_name(wanted_name)
            continue
        return name


def _syncfs(path):
    """Flush every written file of the filesystem holding `path` at once
    (Linux `syncfs`); False where the call does not exist."""
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        return False
    descriptor = os.open(path, os.O_RDONLY)
    try:
        return syncfs(descriptor) == 0
    finally:
        os.close(descriptor)


def make_durable(storage, names):
    """Flush newly stored files and their folder entries to the disk.

    Called once per batch, before the batch's rows commit. One `syncfs`
    costs about what one `fsync` does (some ms on a shared virtual disk),
    where a file-by-file fsync costs that per file; without `syncfs` each
    file and folder is fsynced.
    """
    if not names or not fsync_enabled() or not has_local_path(storage):
        return
    if _syncfs(storage.path(names[0])):
        return
    paths = [Path(storage.path(name)) for name in names]
    for path in [*paths, *{path.parent for path in paths}]:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
