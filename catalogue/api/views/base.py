"""What every upload API view shares: token authentication, JSON errors, the
request size check, the error responses of the schema, and the look-ups
that answer 404."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from catalogue.access.rules import (
    token_may_write,
    visible_observations,
    visible_projects,
)
from catalogue.api import serializers as s
from catalogue.api.errors import (
    api_exception_handler,
    check_content_length,
    max_request_bytes,
)
from catalogue.api.tokens.service import UploadTokenAuthentication
from catalogue.survey.models import Beam, Observation

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in {
        400: "bad input (message names the file, line and column)",
        401: "missing, invalid or revoked token",
        403: "the token may not write this project",
        404: "unknown project, observation, beam or candidate (or one of a "
        "restricted project the token's owner is no member of)",
        413: "request body or file too large",
    }.items()
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


def find_project(slug, user):
    """The project `slug` if `user` may see it; else 404 (hidden = absent)."""
    project = visible_projects(user).filter(slug=slug).first()
    if project is None:
        raise_not_found(f"project '{slug}' does not exist")
    return project


def find_observation(slug, sbid, user):
    """The observation if `user` may see its project; else 404."""
    observation = (
        visible_observations(user, Observation.objects.select_related("project"))
        .filter(project__slug=slug, sbid=sbid)
        .first()
    )
    if observation is None:
        raise_not_found(
            f"observation {slug}/{sbid} does not exist "
            "(create it with POST /api/v1/observations/)"
        )
    return observation


def check_may_write(request, project):
    """403 unless the request's token may write `project` (see
    `catalogue.access.rules.token_may_write`); call before changing anything."""
    if not token_may_write(request.auth, project):
        raise PermissionDenied(
            f"this token may not write project '{project.slug}' (it must name "
            "the project, and its owner must be an uploader of it)"
        )


def writable_observation(request, slug, sbid):
    """The observation the request may write: 404 if hidden, 403 if not allowed."""
    observation = find_observation(slug, sbid, request.user)
    check_may_write(request, observation.project)
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
