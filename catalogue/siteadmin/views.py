"""Site admin for staff (`/site-admin/`): what is stored, and deletion;
and the same deletion of an observation for a project's admins.

The counts come from `catalogue.siteadmin.counts` (a few queries however
many observations exist). Deleting an observation or project cascades through the
database; the `post_delete` receivers in `catalogue.survey.signals` remove the
stored files once the transaction commits. Byte counts are the stored
files' recorded sizes (bytes).
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from catalogue.access.views import administered_project
from catalogue.siteadmin.counts import Count, scalar, storage_annotations
from catalogue.survey.models import Observation, Project, Upload
from portal.staff import StaffRequiredMixin

RECENT_DELETIONS = 10


def _with_totals(queryset, path):
    latest_upload = Upload.objects.filter(
        **{f"observation{path}": OuterRef("pk")}
    ).order_by("-created_at", "-id")
    return (
        queryset.annotate(**storage_annotations(path))
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
            n_observations=scalar(
                Observation.objects.filter(project=OuterRef("pk")), Count(F("id"))
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


class DeletionView(TemplateView):
    """Confirm (GET) and delete (POST) one project or observation with its files.

    Who may do it is the subclass's business (a mixin, or `get_object`
    raising 403/404); so is where the user goes next (`get_success_url`,
    also the confirmation page's cancel link). The deletion is logged in
    Django's admin log with the counts shown on the confirmation page.
    """

    template_name = "catalogue/siteadmin/confirm_delete.html"

    def get_success_url(self):
        return reverse("siteadmin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        context["kind"] = self.kind
        context["cancel_url"] = self.get_success_url()
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
        return HttpResponseRedirect(self.get_success_url())


class ObservationDeleteView(StaffRequiredMixin, DeletionView):
    kind = "observation"

    def get_object(self):
        return get_object_or_404(observations_with_totals(), pk=self.kwargs["pk"])


class ProjectDeleteView(StaffRequiredMixin, DeletionView):
    kind = "project"

    def get_object(self):
        return get_object_or_404(projects_with_totals(), slug=self.kwargs["slug"])


class ProjectObservationDeleteView(LoginRequiredMixin, DeletionView):
    """A project admin (or staff) deletes one of the project's observations
    from the project admin page: 404 when the project is hidden from the
    user, 403 when they do not administer it."""

    kind = "observation"

    def get_object(self):
        project = administered_project(self.request.user, self.kwargs["slug"])
        return get_object_or_404(
            observations_with_totals().filter(project=project), pk=self.kwargs["pk"]
        )

    def get_success_url(self):
        return reverse("projects:manage", args=[self.kwargs["slug"]])
