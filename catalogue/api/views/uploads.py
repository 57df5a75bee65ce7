"""Upload API: a beam's tables (one transaction), and files one at a time or
many per request (streamed to disk, all of a batch or none)."""

import json

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from catalogue.api import serializers as s
from catalogue.api.errors import (
    MULTIPART_OVERHEAD_BYTES,
    PayloadTooLarge,
    max_file_bytes,
    max_request_bytes,
)
from catalogue.api.views.base import (
    ERRORS,
    ApiView,
    find_beam,
    raise_not_found,
    writable_observation,
)
from catalogue.ingest.errors import IngestError
from catalogue.ingest.file_batches import NotFoundInObservation, ReceivedFile
from catalogue.ingest.files import sha256_hex
from catalogue.ingest.incoming import HashingUploadHandler
from catalogue.ingest.service import (
    ingest_beam_tables,
    ingest_file,
    ingest_file_batch,
    prepare_beam_tables,
)
from catalogue.survey.models import Candidate
from catalogue.survey.pipeline_files import (
    FINAL_CSV,
    LIGHTCURVE_PEAK_CSV,
    LIGHTCURVE_RMS_CSV,
    TABLE_KINDS,
    classify,
    pipeline_filename,
    refusal,
)


def max_files_per_batch():
    """Most files one batch request may carry: Django's own cap on the file
    parts of a request (`DATA_UPLOAD_MAX_NUMBER_FILES`)."""
    return settings.DATA_UPLOAD_MAX_NUMBER_FILES or 1000


def _table_part(data, key):
    """CSV text of one table from a multipart file or a JSON string (or None)."""
    value = data.get(key)
    if value is None:
        return None
    if hasattr(value, "read"):
        return value.read()
    if isinstance(value, str):
        return value
    raise IngestError(f"field '{key}' must be CSV text or a file")


class BeamTables(ApiView):
    """A beam's tables in one transaction: all rows or none."""

    @extend_schema(
        summary="Upload a beam's final CSV and light curves (one transaction)",
        description=(
            "Multipart files or JSON strings. Rows are matched on the candidate "
            "name: same values → unchanged, new values → updated, never a "
            "duplicate. Any problem → 400 and no row of the beam is written."
        ),
        request={
            "multipart/form-data": s.BeamTablesSerializer,
            "application/json": s.BeamTablesSerializer,
        },
        responses={200: s.BeamTablesResultSerializer, **ERRORS},
    )
    def post(self, request, project, sbid, index):
        observation = writable_observation(request, project, sbid)
        if not hasattr(request.data, "get"):
            raise IngestError("request body must be a JSON object or a form")
        unexpected = sorted(set(request.data) - set(TABLE_KINDS))
        if unexpected:
            raise IngestError(
                f"unexpected field(s): {', '.join(unexpected)} "
                f"(expected {', '.join(TABLE_KINDS)})"
            )
        parts = {kind: _table_part(request.data, kind) for kind in TABLE_KINDS}
        if parts[FINAL_CSV] is None:
            raise IngestError(f"field '{FINAL_CSV}' is required")
        names = {kind: pipeline_filename(sbid, index, kind) for kind in TABLE_KINDS}
        tables = prepare_beam_tables(
            index,
            parts[FINAL_CSV],
            names[FINAL_CSV],
            parts[LIGHTCURVE_PEAK_CSV],
            names[LIGHTCURVE_PEAK_CSV],
            parts[LIGHTCURVE_RMS_CSV],
            names[LIGHTCURVE_RMS_CSV],
        )
        result = ingest_beam_tables(observation, tables, user=request.user)
        return Response(
            {
                "beam": index,
                "candidates": len(tables.rows),
                "created": result["created"],
                "updated": result["updated"],
                "unchanged": result["unchanged"],
                "lightcurves": len(tables.lightcurves),
            }
        )


class FileUpload(ApiView):
    """One beam or candidate file, stored once per content (sha256)."""

    @extend_schema(
        summary="Upload one beam or candidate file (idempotent by sha256)",
        description=(
            "`name` is the pipeline's bare file name; the portal stores the "
            "file under a name of its own. 201 when stored, 200 when the same "
            "content was already there. FITS files are opened with astropy "
            "before they are stored."
        ),
        request={"multipart/form-data": s.FileUploadSerializer},
        responses={200: s.FileResultSerializer, 201: s.FileResultSerializer, **ERRORS},
    )
    def post(self, request, project, sbid):
        observation = writable_observation(request, project, sbid)
        name = request.data.get("name")
        if not isinstance(name, str) or not name:
            raise IngestError("field 'name' (the pipeline file name) is required")
        pipeline_file = _beam_or_candidate_file(name, observation)
        sent_sha256 = str(request.data.get("sha256", "")).strip().lower()
        if len(sent_sha256) != 64 or set(sent_sha256) - set("0123456789abcdef"):
            raise IngestError("field 'sha256' must be 64 hexadecimal digits", name)
        upload = request.data.get("file")
        if not hasattr(upload, "read"):
            raise IngestError("field 'file' (the file content) is required", name)
        if upload.size > max_file_bytes():
            raise PayloadTooLarge(
                f"{name}: file of {upload.size} bytes exceeds the limit of "
                f"{max_file_bytes()} bytes"
            )
        beam = find_beam(observation, pipeline_file.beam_index)
        if (
            pipeline_file.target == "candidate"
            and not Candidate.objects.filter(
                beam=beam, name=pipeline_file.candidate_name
            ).exists()
        ):
            raise_not_found(
                f"{name}: candidate '{pipeline_file.candidate_name}' is not in "
                f"beam {beam.index:02d} of {sbid}"
            )
        data = upload.read()
        actual_sha256 = sha256_hex(data)
        if actual_sha256 != sent_sha256:
            raise IngestError(
                f"sha256 mismatch: sent {sent_sha256}, received content has "
                f"{actual_sha256} (corrupted in transit?)",
                name,
            )
        check, written = ingest_file(
            observation, pipeline_file, data, name, user=request.user
        )
        return Response(
            {
                "name": name,
                "kind": pipeline_file.kind,
                "candidate": pipeline_file.candidate_name,
                "sha256": check.sha256,
                "size": check.size,
                "stored": written,
            },
            status=status.HTTP_201_CREATED if written else status.HTTP_200_OK,
        )

    def max_body_bytes(self):
        return max_file_bytes() + MULTIPART_OVERHEAD_BYTES


def _manifest(request):
    """The batch's manifest: [{"part", "name", "sha256"}, ...], checked."""
    text = request.data.get("manifest")
    if not isinstance(text, str):
        raise IngestError(
            "field 'manifest' (JSON list of {part, name, sha256}) is required"
        )
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise IngestError(f"field 'manifest' is not JSON ({exc})") from exc
    if not isinstance(entries, list) or not entries:
        raise IngestError("field 'manifest' must be a non-empty JSON list")
    if len(entries) > max_files_per_batch():
        raise IngestError(
            f"{len(entries)} files in one request; at most "
            f"{max_files_per_batch()} are taken"
        )
    for entry in entries:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("part", "name", "sha256")
        ):
            raise IngestError(
                "every manifest entry needs 'part', 'name' and 'sha256' strings"
            )
    return entries


def _received(request, observation, entries):
    """[ReceivedFile] of the manifest, each name, part and sha256 checked."""
    received, parts_used = [], set()
    for entry in entries:
        name, part = entry["name"], entry["part"]
        pipeline_file = _beam_or_candidate_file(name, observation)
        upload = request.FILES.get(part)
        if upload is None or part in parts_used:
            raise IngestError(f"part '{part}' is missing or used twice", name)
        parts_used.add(part)
        if upload.size > max_file_bytes():
            raise PayloadTooLarge(
                f"{name}: file of {upload.size} bytes exceeds the limit of "
                f"{max_file_bytes()} bytes"
            )
        sent = entry["sha256"].strip().lower()
        if sent != upload.sha256:
            raise IngestError(
                f"sha256 mismatch: sent {sent}, received content has "
                f"{upload.sha256} (corrupted in transit?)",
                name,
            )
        received.append(
            ReceivedFile(name, pipeline_file, upload.path, upload.size, upload.sha256)
        )
    unlisted = set(request.FILES) - parts_used
    if unlisted:
        raise IngestError(f"file part(s) not in the manifest: {sorted(unlisted)}")
    return received


def _beam_or_candidate_file(name, observation):
    problem = refusal(name)
    if problem:
        raise IngestError(problem, name)
    pipeline_file = classify(name)
    if pipeline_file is None or pipeline_file.target == "table":
        raise IngestError(
            "is not the name of a pipeline beam or candidate file "
            "(tables go to .../beams/<NN>/tables/)",
            name,
        )
    if pipeline_file.sbid != observation.sbid:
        raise IngestError(
            f"belongs to {pipeline_file.sbid}, not {observation.sbid}", name
        )
    return pipeline_file


class FileBatch(ApiView):
    """Many beam and candidate files in one request, streamed to disk."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Upload many beam or candidate files (idempotent by sha256)",
        description=(
            'Multipart: a `manifest` field, JSON `[{"part": "f0", "name": '
            '<pipeline file name>, "sha256": <hex>}, ...]`, and one file part '
            "per entry under its `part` name (names travel in the JSON, so any "
            "candidate name is safe). Files are hashed while they are written "
            "to disk, FITS checked from their headers, and the whole batch is "
            "stored or none of it: any bad file → 4xx naming it. Files whose "
            "content is already stored are left alone (`stored: false`)."
        ),
        request={"multipart/form-data": s.FileBatchSerializer},
        responses={200: s.FileBatchResultSerializer, **ERRORS},
    )
    def post(self, request, project, sbid):
        handler = HashingUploadHandler(request._request)
        request._request.upload_handlers = [handler]
        try:
            observation = writable_observation(request, project, sbid)
            received = _received(request, observation, _manifest(request))
            try:
                result = ingest_file_batch(observation, received, user=request.user)
            except NotFoundInObservation as exc:
                raise_not_found(str(exc))
        finally:
            handler.discard()
        stored = {id(item) for item in result.stored}
        return Response(
            {
                "stored": len(result.stored),
                "unchanged": len(result.unchanged),
                "bytes_stored": result.bytes_stored,
                "files": [
                    {
                        "name": item.name,
                        "kind": item.pipeline_file.kind,
                        "candidate": item.pipeline_file.candidate_name,
                        "sha256": item.sha256,
                        "size": item.size,
                        "stored": id(item) in stored,
                    }
                    for item in received
                ],
            }
        )

    def max_body_bytes(self):
        return max(max_request_bytes(), max_file_bytes()) + MULTIPART_OVERHEAD_BYTES
