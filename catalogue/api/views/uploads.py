"""Upload API: a beam's tables (one transaction) and one file at a time."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from catalogue.api import serializers as s
from catalogue.api.errors import (
    MULTIPART_OVERHEAD_BYTES,
    PayloadTooLarge,
    max_file_bytes,
)
from catalogue.api.views.base import (
    ERRORS,
    ApiView,
    find_beam,
    raise_not_found,
    writable_observation,
)
from catalogue.ingest.errors import IngestError
from catalogue.ingest.files import sha256_hex
from catalogue.ingest.service import (
    ingest_beam_tables,
    ingest_file,
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
        if refusal(name):
            raise IngestError(refusal(name), name)
        pipeline_file = classify(name)
        if pipeline_file is None or pipeline_file.target == "table":
            raise IngestError(
                "is not the name of a pipeline beam or candidate file "
                "(tables go to .../beams/<NN>/tables/)",
                name,
            )
        if pipeline_file.sbid != observation.sbid:
            raise IngestError(f"belongs to {pipeline_file.sbid}, not {sbid}", name)
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
