"""Upload API: what exists (projects, observations, beams) and creating an
observation; a client reads these to resume an upload."""

from django.db import transaction
from django.db.models import Count, F
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from catalogue.access.models import Role
from catalogue.access.rules import visible_projects
from catalogue.access.services import set_role
from catalogue.api import serializers as s
from catalogue.api.views.base import (
    ERRORS,
    ApiView,
    check_may_write,
    find_beam,
    find_observation,
    find_project,
)
from catalogue.ingest.service import check_client_start, get_or_create_observation
from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Observation,
    Project,
)
from catalogue.survey.pipeline_files import pipeline_filename


class ProjectList(ApiView):
    """Every project, with its number of observations."""

    @extend_schema(
        summary="List projects", responses={200: s.ProjectSerializer(many=True)}
    )
    def get(self, request):
        projects = visible_projects(request.user).annotate(
            observation_count=Count("observations")
        )
        return Response(s.ProjectSerializer(projects, many=True).data)


class ObservationList(ApiView):
    """The observations of one project, with beam and candidate counts."""

    @extend_schema(
        summary="List a project's observations",
        responses={200: s.ObservationSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, project):
        observations = (
            Observation.objects.filter(project=find_project(project, request.user))
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
        description=(
            "The observation start is read by the server from DATE-OBS of the "
            "lowest beam's std FITS once that file is stored; a `start_time` "
            "sent before is a placeholder, one that disagrees with a stored "
            "std FITS is refused (400, nothing changed)."
        ),
        request={"application/json": s.ObservationWriteSerializer},
        responses={
            200: s.ObservationSerializer,
            201: s.ObservationSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    def post(self, request):
        serializer = s.ObservationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existing = Project.objects.filter(slug=data["project"]).first()
        if existing is not None:
            check_may_write(request, find_project(existing.slug, request.user))
        elif not request.auth.may_create_projects:
            raise PermissionDenied(
                f"project '{data['project']}' does not exist and this token may "
                "not create projects"
            )
        held = Observation.objects.filter(
            project__slug=data["project"], sbid=data["sbid"]
        ).first()
        existed = held is not None
        check_client_start(held, data.get("start_time"))
        with transaction.atomic():
            observation = get_or_create_observation(
                data["project"], data["sbid"], data.get("start_time")
            )
            project = observation.project
            if existing is None:
                # Its creator runs the new project; this token may write it.
                set_role(project, request.user, Role.ADMIN, actor=request.user)
                request.auth.projects.add(project)
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
        observation = find_observation(project, sbid, request.user)
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
        observation = find_observation(project, sbid, request.user)
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
