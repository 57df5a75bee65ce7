"""The upload API under `/api/v1/` (SPEC §4): token-only, JSON errors.

Endpoints (all need `Authorization: Token <key>`):

- `GET  projects/` and `GET projects/<slug>/observations/`: what exists;
- `POST observations/`: create-or-update a project and an observation;
- `GET  projects/<slug>/observations/<SBID>/`: the observation and its beams;
- `GET  .../beams/<NN>/`: what a beam holds (candidate names, files with
  sha256), so a client can resume;
- `POST .../beams/<NN>/tables/`: the beam's final CSV and light curves,
  applied in one transaction (all rows or none);
- `POST .../files/`: one beam or candidate file with its sha256; the same
  content again is a no-op.

Every write goes through `catalogue.ingest.service`, like `manage.py
ingest_observation`.
"""

from django.db.models import Count, F
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.api import serializers as s
from catalogue.api.errors import (
    MULTIPART_OVERHEAD_BYTES,
    PayloadTooLarge,
    api_exception_handler,
    check_content_length,
    max_file_bytes,
    max_request_bytes,
)
from catalogue.api.tokens.service import UploadTokenAuthentication
from catalogue.ingest.errors import IngestError
from catalogue.ingest.files import sha256_hex
from catalogue.ingest.service import (
    get_or_create_observation,
    ingest_beam_tables,
    ingest_file,
    prepare_beam_tables,
)
from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Observation,
    Project,
)
from catalogue.survey.pipeline_files import (
    FINAL_CSV,
    LIGHTCURVE_PEAK_CSV,
    LIGHTCURVE_RMS_CSV,
    classify,
    pipeline_filename,
)

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in {
        400: "bad input (message names the file, line and column)",
        401: "missing, invalid or revoked token",
        404: "unknown project, observation, beam or candidate",
        413: "request body or file too large",
    }.items()
}
TABLE_SUFFIXES = {
    FINAL_CSV: "final.csv",
    LIGHTCURVE_PEAK_CSV: "lightcurve_peak_flux.csv",
    LIGHTCURVE_RMS_CSV: "lightcurve_local_rms.csv",
}


class ApiView(APIView):
    """Token authentication only, JSON errors, request size checked first."""

    authentication_classes = [UploadTokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    def max_body_bytes(self):
        return max_request_bytes()

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        check_content_length(request, self.max_body_bytes())
        super().initial(request, *args, **kwargs)


def find_project(slug):
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise_not_found(f"project '{slug}' does not exist")
    return project


def find_observation(slug, sbid):
    observation = (
        Observation.objects.select_related("project")
        .filter(project__slug=slug, sbid=sbid)
        .first()
    )
    if observation is None:
        raise_not_found(
            f"observation {slug}/{sbid} does not exist "
            "(create it with POST /api/v1/observations/)"
        )
    return observation


def find_beam(observation, index):
    beam = Beam.objects.filter(observation=observation, index=index).first()
    if beam is None:
        raise_not_found(
            f"beam {index:02d} of {observation.sbid} does not exist "
            "(send its tables first)"
        )
    return beam


def raise_not_found(message):
    raise Http404(message)


class ProjectList(ApiView):
    """Every project, with its number of observations."""

    @extend_schema(
        summary="List projects", responses={200: s.ProjectSerializer(many=True)}
    )
    def get(self, request):
        projects = Project.objects.annotate(observation_count=Count("observations"))
        return Response(s.ProjectSerializer(projects, many=True).data)


class ObservationList(ApiView):
    """The observations of one project, with beam and candidate counts."""

    @extend_schema(
        summary="List a project's observations",
        responses={200: s.ObservationSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, project):
        observations = (
            Observation.objects.filter(project=find_project(project))
            .select_related("project")
            .annotate(
                beam_count=Count("beams", distinct=True),
                candidate_count=Count("candidates", distinct=True),
            )
        )
        return Response(s.ObservationSerializer(observations, many=True).data)


class ObservationCreate(ApiView):
    """Create the project and observation if new; set the start time."""

    @extend_schema(
        summary="Create or update a project and observation",
        request={"application/json": s.ObservationWriteSerializer},
        responses={
            200: s.ObservationSerializer,
            201: s.ObservationSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
        },
    )
    def post(self, request):
        serializer = s.ObservationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = Observation.objects.filter(
            project__slug=data["project"], sbid=data["sbid"]
        ).exists()
        observation = get_or_create_observation(
            data["project"], data["sbid"], data.get("start_time")
        )
        project = observation.project
        if data.get("project_name") and project.name != data["project_name"]:
            project.name = data["project_name"]
            project.save(update_fields=["name"])
        observation.beam_count = Beam.objects.filter(observation=observation).count()
        observation.candidate_count = Candidate.objects.filter(
            observation=observation
        ).count()
        return Response(
            s.ObservationSerializer(observation).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def beam_summaries(observation):
    """[{index, candidates, files}] for every beam, in three queries."""
    candidates = dict(
        Candidate.objects.filter(observation=observation)
        .values("beam__index")
        .annotate(n=Count("id"))
        .values_list("beam__index", "n")
    )
    beam_files = dict(
        BeamFile.objects.filter(beam__observation=observation)
        .values("beam__index")
        .annotate(n=Count("id"))
        .values_list("beam__index", "n")
    )
    candidate_files = dict(
        CandidateFile.objects.filter(candidate__observation=observation)
        .values("candidate__beam__index")
        .annotate(n=Count("id"))
        .values_list("candidate__beam__index", "n")
    )
    indices = Beam.objects.filter(observation=observation).values_list(
        "index", flat=True
    )
    return [
        {
            "index": index,
            "candidates": candidates.get(index, 0),
            "files": beam_files.get(index, 0) + candidate_files.get(index, 0),
        }
        for index in sorted(indices)
    ]


class ObservationDetail(ApiView):
    """One observation with a summary per beam."""

    @extend_schema(
        summary="An observation and its beams",
        responses={200: s.ObservationDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, project, sbid):
        observation = find_observation(project, sbid)
        observation.beam_list = beam_summaries(observation)
        observation.beam_count = len(observation.beam_list)
        observation.candidate_count = sum(
            b["candidates"] for b in observation.beam_list
        )
        return Response(s.ObservationDetailSerializer(observation).data)


class BeamState(ApiView):
    """Candidate names and stored files (sha256) of one beam."""

    @extend_schema(
        summary="What a beam already holds (for resuming an upload)",
        responses={200: s.BeamStateSerializer, 404: ERRORS[404]},
    )
    def get(self, request, project, sbid, index):
        observation = find_observation(project, sbid)
        beam = find_beam(observation, index)
        files = [
            {**row, "candidate": ""}
            for row in BeamFile.objects.filter(beam=beam).values(
                "kind", "sha256", "size"
            )
        ]
        files += [
            {**row, "candidate": row.pop("candidate_name")}
            for row in CandidateFile.objects.filter(candidate__beam=beam).values(
                "kind", "sha256", "size", candidate_name=F("candidate__name")
            )
        ]
        for row in files:
            row["name"] = pipeline_filename(sbid, index, row["kind"], row["candidate"])
        names = Candidate.objects.filter(beam=beam).values_list("name", flat=True)
        return Response(
            s.BeamStateSerializer(
                {"index": index, "candidates": list(names), "files": files}
            ).data
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
        observation = find_observation(project, sbid)
        if not hasattr(request.data, "get"):
            raise IngestError("request body must be a JSON object or a form")
        unexpected = sorted(set(request.data) - set(TABLE_SUFFIXES))
        if unexpected:
            raise IngestError(
                f"unexpected field(s): {', '.join(unexpected)} "
                f"(expected {', '.join(TABLE_SUFFIXES)})"
            )
        parts = {key: _table_part(request.data, key) for key in TABLE_SUFFIXES}
        if parts[FINAL_CSV] is None:
            raise IngestError(f"field '{FINAL_CSV}' is required")
        names = {
            key: f"{sbid}_beam{index:02d}_{suffix}"
            for key, suffix in TABLE_SUFFIXES.items()
        }
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
        observation = find_observation(project, sbid)
        name = request.data.get("name")
        if not isinstance(name, str) or not name:
            raise IngestError("field 'name' (the pipeline file name) is required")
        if "/" in name or "\\" in name or ".." in name:
            raise IngestError(
                "file name must be a bare name: no path separators and no '..'", name
            )
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
