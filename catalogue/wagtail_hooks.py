"""Survey data in the Wagtail admin (/cms/): projects (open or restricted),
observations, project members and the membership log.

Staff manage everything here; a project admin (no staff) sees only their
projects, may open or restrict them (nothing else of a project), and
manage their members and read their log (`catalogue.access.admin_policy`).
"""

from django.forms import modelform_factory
from wagtail import hooks
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from catalogue.access.admin_policy import (
    ProjectScopedPermissionPolicy,
    ScopedIndexMixin,
    ScopedObjectMixin,
)
from catalogue.access.admin_views import MembershipLogViewSet, MembershipViewSet
from catalogue.access.services import log_openness
from catalogue.admin_permissions import ReadDeletePermissionPolicy
from catalogue.survey.models import Observation, Project

# What a project admin without staff rights may change of their project.
PROJECT_ADMIN_FIELDS = ["is_restricted"]


class ProjectIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class ProjectInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ProjectEditView(ScopedObjectMixin, generic.EditView):
    """Saving a project logs a change of its openness in the membership log.

    A project admin's form has the openness only: a project's name and slug
    (its files' storage folder) are staff's.
    """

    def get_form_class(self):
        if self.permission_policy.by_model_permission(self.request.user, "change"):
            return super().get_form_class()
        return modelform_factory(
            Project, form=WagtailAdminModelForm, fields=PROJECT_ADMIN_FIELDS
        )

    def save_instance(self):
        was_restricted = Project.objects.get(pk=self.object.pk).is_restricted
        instance = super().save_instance()
        if instance.is_restricted != was_restricted:
            log_openness(instance, self.request.user)
        return instance


class ProjectViewSet(ModelViewSet):
    model = Project
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "is_restricted", "created_at"]
    list_filter = ["is_restricted"]
    search_fields = ["name", "slug", "description"]
    form_fields = ["name", "slug", "description", "is_restricted"]
    index_view_class = ProjectIndexView
    edit_view_class = ProjectEditView
    inspect_view_class = ProjectInspectView
    inspect_view_enabled = True
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return ProjectScopedPermissionPolicy(
            self.model, project_field="id", admin_actions=["change", "view"]
        )


class ObservationViewSet(ModelViewSet):
    """Observations come from the ingest; staff may delete one (and its files)."""

    model = Observation
    icon = "date"
    list_display = ["sbid", "project", "start_time", "created_at"]
    list_filter = ["project"]
    search_fields = ["sbid", "project__name", "project__slug"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["sbid"]

    @property
    def permission_policy(self):
        return ReadDeletePermissionPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Observation.objects.select_related("project"), **kwargs
        )


class SurveyViewSetGroup(ModelViewSetGroup):
    menu_label = "Survey data"
    menu_icon = "site"
    menu_order = 300
    items = (
        ProjectViewSet("cms_projects", url_prefix="projects"),
        ObservationViewSet("cms_observations", url_prefix="observations"),
        MembershipViewSet("cms_memberships", url_prefix="memberships"),
        MembershipLogViewSet("cms_membership_log", url_prefix="membership-log"),
    )


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return SurveyViewSetGroup()
