"""Site admin for staff (`/site-admin/`, SPEC §8): what is stored, and deletion.

Every count is a correlated scalar subquery annotated onto the project or
observation queryset, so the page costs the same few queries however many
observations exist. Deleting an observation or project cascades through the
database; the `post_delete` receivers in `catalogue.survey.signals` remove the
stored files once the transaction commits. Byte counts are the stored
files' recorded sizes (bytes).
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.db import transaction
from django.db.models import BigIntegerField, F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Observation,
    Project,
    Upload,
)
from portal.staff import StaffRequiredMixin
from rating.models import Rating

RECENT_DELETIONS = 10


class _Count(Func):
    """COUNT as a plain function, so a subquery needs no GROUP BY."""

    function = "COUNT"
    output_field = BigIntegerField()


class _CountDistinct(_Count):
    template = "%(function)s(DISTINCT %(expressions)s)"


class _Sum(Func):
    function = "SUM"
    output_field = BigIntegerField()


def _scalar(queryset, expression):
    """A correlated subquery yielding one aggregate over `queryset` (0 if none)."""
    value = queryset.order_by().annotate(value=expression).values("value")
    return Coalesce(Subquery(value, output_field=BigIntegerField()), 0)


def _storage_annotations(path):
    """Annotations counting everything stored below a project or observation.

    `path` is the lookup from an observation to the outer row: "" for
    observations themselves, "__project" for projects.
    """
    outer = OuterRef("pk")

    def of(model, prefix):
        return model.objects.filter(**{f"{prefix}observation{path}": outer})

    return {
        "n_beams": _scalar(of(Beam, ""), _Count(F("id"))),
        "n_candidates": _scalar(of(Candidate, ""), _Count(F("id"))),
        "n_rated": _scalar(
            of(Rating, "candidate__"), _CountDistinct(F("candidate_id"))
        ),
        "n_ratings": _scalar(of(Rating, "candidate__"), _Count(F("id"))),
        "n_beam_files": _scalar(of(BeamFile, "beam__"), _Count(F("id"))),
        "n_candidate_files": _scalar(of(CandidateFile, "candidate__"), _Count(F("id"))),
        "beam_bytes": _scalar(of(BeamFile, "beam__"), _Sum(F("size"))),
        "candidate_bytes": _scalar(of(CandidateFile, "candidate__"), _Sum(F("size"))),
    }


def _with_totals(queryset, path):
    latest_upload = Upload.objects.filter(
        **{f"observation{path}": OuterRef("pk")}
    ).order_by("-created_at", "-id")
    return (
        queryset.annotate(**_storage_annotations(path))
        .annotate(
            n_files=F("n_beam_files") + F("n_candidate_files"),
            n_bytes=F("beam_bytes") + F("candidate_bytes"),
            uploader=Subquery(latest_upload.values("user__username")[:1]),
            uploaded_at=Subquery(latest_upload.values("created_at")[:1]),
        )
        .order_by()
    )


def observations_with_totals():
    """Observations with uploader, last upload time and stored counts/bytes."""
    return _with_totals(Observation.objects.select_related("project"), "").order_by(
        "project__slug", "sbid"
    )


def projects_with_totals():
    """Projects with observation count and stored counts/bytes."""
    return _with_totals(
        Project.objects.annotate(
            n_observations=_scalar(
                Observation.objects.filter(project=OuterRef("pk")), _Count(F("id"))
            )
        ),
        "__project",
    ).order_by("slug")


def media_disk_usage():
    """`shutil.disk_usage` (bytes) of the disk holding MEDIA_ROOT, or None."""
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path)
    except OSError:
        return None


class SiteAdminView(StaffRequiredMixin, TemplateView):
    """Per project and observation: who uploaded, when, and what is stored."""

    template_name = "catalogue/siteadmin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = list(projects_with_totals())
        context["observations"] = list(observations_with_totals())
        context["disk"] = media_disk_usage()
        context["deletions"] = LogEntry.objects.filter(
            action_flag=DELETION
        ).select_related("user", "content_type")[:RECENT_DELETIONS]
        return context


class _DeleteView(StaffRequiredMixin, TemplateView):
    """Confirm (GET) and delete (POST) one project or observation with its files."""

    template_name = "catalogue/siteadmin/confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        context["kind"] = self.kind
        return context

    def post(self, request, *args, **kwargs):
        target = self.get_object()
        summary = (
            f"Deleted {self.kind} {target} with {target.n_candidates} candidates, "
            f"{target.n_ratings} ratings and {target.n_files} files "
            f"({target.n_bytes} bytes)"
        )
        with transaction.atomic():
            LogEntry.objects.log_actions(
                request.user.pk,
                type(target).objects.filter(pk=target.pk),
                DELETION,
                change_message=summary,
                single_object=True,
            )
            target.delete()
        messages.success(request, summary)
        return HttpResponseRedirect(reverse("siteadmin:index"))


class ObservationDeleteView(_DeleteView):
    kind = "observation"

    def get_object(self):
        return get_object_or_404(observations_with_totals(), pk=self.kwargs["pk"])


class ProjectDeleteView(_DeleteView):
    kind = "project"

    def get_object(self):
        return get_object_or_404(projects_with_totals(), slug=self.kwargs["slug"])
