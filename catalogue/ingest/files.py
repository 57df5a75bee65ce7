"""Validate and store pipeline files (FITS, PNG, GIF) with size and sha256.

Stored names are built by the portal from validated keys (project slug,
SBID, beam index, candidate id, kind); a name sent by a client or found on
disk is never used as a storage path.
"""

import hashlib
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from astropy.io import fits
from astropy.time import Time
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from catalogue.ingest.errors import IngestError
from catalogue.ingest.fits_headers import FitsStructureError, check_fits_structure
from catalogue.survey.models import BeamFile, CandidateFile
from catalogue.survey.pipeline_files import KIND_EXTENSIONS
from catalogue.survey.signals import delete_file_after_commit


@dataclass(frozen=True)
class FileCheck:
    """What validation learned about a file: sha256 (hex), size (bytes), DATE-OBS."""

    sha256: str
    size: int
    date_obs: object = None  # datetime (UTC) from a FITS DATE-OBS, when present


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def read_fits_date_obs(header, filename):
    """Return DATE-OBS of a FITS header as an aware UTC datetime, or None if absent."""
    value = header.get("DATE-OBS")
    if not value:
        return None
    try:
        return Time(str(value), scale="utc").to_datetime(timezone=UTC)
    except ValueError:
        raise IngestError(f"DATE-OBS '{value}' is not a valid time", filename) from None


def check_fits_headers(fileobj, filename, size, read_date_obs=False):
    """Check a FITS file from its headers alone; returns DATE-OBS or None.

    Every HDU's header is read and checked and the file must be long enough
    for the data the headers declare (a truncated file is refused), but no
    data is read (`check_fits_structure`): a 100 MB cube costs what its
    headers cost. DATE-OBS comes from astropy's reading of the primary header.
    """
    head = fileobj.read(9)
    fileobj.seek(0)
    if head != b"SIMPLE  =":
        raise IngestError("is not a FITS file (no SIMPLE card)", filename)
    try:
        naxis, hdus = check_fits_structure(fileobj, size)
        if read_date_obs:
            fileobj.seek(0)
            header = fits.Header.fromfile(fileobj)
    except FitsStructureError as exc:
        raise IngestError(f"is not a readable FITS file ({exc})", filename) from exc
    except Exception as exc:  # astropy raises many types for broken headers
        raise IngestError(f"is not a readable FITS file ({exc})", filename) from exc
    if hdus == 1 and not naxis:
        raise IngestError("FITS file holds no image data", filename)
    return read_fits_date_obs(header, filename) if read_date_obs else None


def check_image(fileobj, kind, filename):
    """Check that a PNG/GIF file is the readable image its kind promises."""
    expected = {"png": "PNG", "gif": "GIF"}[KIND_EXTENSIONS[kind]]
    try:
        with Image.open(fileobj) as image:
            image_format = image.format
            image.verify()
    except Exception as exc:
        raise IngestError(
            f"is not a readable {expected} image ({exc})", filename
        ) from exc
    if image_format != expected:
        raise IngestError(f"is a {image_format} image, expected {expected}", filename)


def check_content(fileobj, kind, filename, size, read_date_obs=False):
    """Check an open file (bytes `size`) against its kind; returns DATE-OBS or None."""
    if KIND_EXTENSIONS[kind] == "fits":
        return check_fits_headers(fileobj, filename, size, read_date_obs)
    check_image(fileobj, kind, filename)
    return None


def validate_content(data, kind, filename, read_date_obs=False):
    """Check that `data` really is the FITS/PNG/GIF its kind promises.

    Returns a `FileCheck` (with DATE-OBS when `read_date_obs`); raises
    `IngestError` naming the file otherwise.
    """
    date_obs = check_content(io.BytesIO(data), kind, filename, len(data), read_date_obs)
    return FileCheck(sha256=sha256_hex(data), size=len(data), date_obs=date_obs)


_saving = threading.local()


def _open_blocks():
    """Lists of (storage, name) of the `removing_new_files_on_failure` blocks
    this thread is in, innermost last."""
    if not hasattr(_saving, "blocks"):
        _saving.blocks = []
    return _saving.blocks


@contextmanager
def removing_new_files_on_failure():
    """Remove again every file stored inside the block when the block raises.

    Put it around the transaction that writes the rows: once that transaction
    is rolled back no row points to the new files, and a file replaced inside
    the block is only deleted on commit (`delete_file_after_commit`), so media
    storage ends exactly as it was.
    """
    saved = []
    _open_blocks().append(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise
    finally:
        _open_blocks().pop()


def remember_new_file(storage, name):
    """Have the enclosing `removing_new_files_on_failure` blocks remove this
    newly stored file if they fail."""
    for saved in _open_blocks():
        saved.append((storage, name))


# Every beam and candidate file is stored below this folder of media storage.
SURVEY_FILES_FOLDER = "surveys"


def beam_storage_name(beam, kind):
    """Storage path of a beam product, built from validated keys only."""
    observation = beam.observation
    prefix = f"{observation.sbid}_beam{beam.index:02d}"
    return (
        f"{SURVEY_FILES_FOLDER}/{observation.project.slug}/{observation.sbid}/beam{beam.index:02d}/"
        f"{prefix}_{kind}.{KIND_EXTENSIONS[kind]}"
    )


def candidate_storage_name(candidate, kind):
    """Storage path of a candidate product: keyed by the candidate's id."""
    beam = candidate.beam
    observation = beam.observation
    return (
        f"{SURVEY_FILES_FOLDER}/{observation.project.slug}/{observation.sbid}/beam{beam.index:02d}/"
        f"candidates/{candidate.pk}_{kind}.{KIND_EXTENSIONS[kind]}"
    )


def _store(model, owner_field, owner, kind, data, check, storage_name):
    """Create or replace the file record; a same-sha256 file is a no-op.

    Returns True when something was written. The new file is saved before the
    row; if the row cannot be written the new file is removed again, and a
    replaced file is only deleted once the transaction commits.
    """
    existing = model.objects.filter(**{owner_field: owner, "kind": kind}).first()
    if (
        existing
        and existing.sha256 == check.sha256
        and existing.file.storage.exists(existing.file.name)
    ):
        return False
    record = existing or model(**{owner_field: owner, "kind": kind})
    old_name = existing.file.name if existing else ""
    record.file.save(storage_name, ContentFile(data), save=False)
    remember_new_file(record.file.storage, record.file.name)
    record.size, record.sha256 = check.size, check.sha256
    try:
        with transaction.atomic():
            record.save()
            if old_name and old_name != record.file.name:
                delete_file_after_commit(record.file.storage, old_name)
    except Exception:
        record.file.storage.delete(record.file.name)
        raise
    return True


def store_beam_file(beam, kind, data, check):
    """Store a validated beam product; returns True if it was new or changed."""
    return _store(
        BeamFile, "beam", beam, kind, data, check, beam_storage_name(beam, kind)
    )


def store_candidate_file(candidate, kind, data, check):
    """Store a validated candidate product; returns True if it was new or changed."""
    return _store(
        CandidateFile,
        "candidate",
        candidate,
        kind,
        data,
        check,
        candidate_storage_name(candidate, kind),
    )
