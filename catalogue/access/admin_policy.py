"""Wagtail admin permissions by project: staff (and anyone holding the
model's Django permissions) reach every row; a project admin without them
reaches the rows of the projects they administer, for the actions the
viewset allows them, and no other row exists for them (404).

`ProjectScopedPermissionPolicy` is a Wagtail permission policy, so menus,
buttons and the generic views' permission checks follow it; the view
mixins below add what the generic views leave out: the listing, the object
looked up and the project choices are limited to the user's projects.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.permission_policies import ModelPermissionPolicy

from catalogue.access.models import Role
from catalogue.access.rules import (
    administered_projects,
    administers_any_project,
    may_administer,
)
from catalogue.survey.models import Project

ALL_ACTIONS = ("add", "change", "delete", "view")


class ProjectScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus `admin_actions` on the rows of administered
    projects. `project_field` names the row's project id ("project_id", or
    "id" for projects themselves); `forbidden_actions` nobody may take here
    (rows the portal alone writes)."""

    def __init__(
        self,
        model,
        project_field="project_id",
        admin_actions=ALL_ACTIONS,
        forbidden_actions=(),
    ):
        super().__init__(model)
        self.project_field = project_field
        self.admin_actions = frozenset(admin_actions)
        self.forbidden_actions = frozenset(forbidden_actions)

    def by_model_permission(self, user, action):
        """May `user` take `action` on every row (staff, Django permissions)?"""
        if action in self.forbidden_actions:
            return False
        return super().user_has_permission(user, action)

    def _as_project_admin(self, action):
        return action in self.admin_actions and action not in self.forbidden_actions

    def user_has_permission(self, user, action):
        if self.by_model_permission(user, action):
            return True
        return self._as_project_admin(action) and administers_any_project(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if self.by_model_permission(user, action):
            return True
        project_id = getattr(instance, self.project_field)
        return (
            self._as_project_admin(action)
            and project_id is not None
            and may_administer(user, project_id)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return self.scoped(self.model._default_manager.all(), user, actions)

    def scoped(self, queryset, user, actions):
        """`queryset` limited to the rows `user` may take any of `actions` on."""
        if any(self.by_model_permission(user, action) for action in actions):
            return queryset
        if not any(self._as_project_admin(action) for action in actions):
            return queryset.none()
        ids = administered_projects(user).values("pk")
        return queryset.filter(**{f"{self.project_field}__in": ids})

    def users_with_any_permission(self, actions):
        by_model = super().users_with_any_permission(
            [action for action in actions if action not in self.forbidden_actions]
        )
        if not any(self._as_project_admin(action) for action in actions):
            return by_model
        return (
            get_user_model()
            .objects.filter(
                Q(pk__in=by_model.values("pk"))
                | Q(project_memberships__role=Role.ADMIN)
                | Q(is_staff=True, is_active=True)
            )
            .distinct()
        )


def projects_for(user, policy, action="view"):
    """The projects whose rows `user` may take `action` on in this viewset."""
    if policy.by_model_permission(user, action):
        return Project.objects.all()
    return administered_projects(user)


class ScopedIndexMixin:
    """The listing shows only the rows of the user's projects, and its
    project filter offers only those projects."""

    def get_base_queryset(self):
        return self.permission_policy.scoped(
            super().get_base_queryset(), self.request.user, self.any_permission_required
        )

    @cached_property
    def filters(self):
        filterset = super().filters
        if filterset is not None and "project" in filterset.form.fields:
            filterset.form.fields["project"].queryset = projects_for(
                self.request.user, self.permission_policy
            )
        return filterset


class ScopedObjectMixin:
    """A row of a project the user does not administer does not exist for
    them (404), whichever view asks for it."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        actions = (
            [self.permission_required]
            if self.permission_required
            else list(self.any_permission_required or ALL_ACTIONS)
        )
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, actions, instance
        ):
            raise Http404("No such row in your projects.")
        return instance


class ScopedFormMixin:
    """The form's project choices are the projects the user may manage."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "project" in form.fields:
            action = getattr(self, "permission_required", None) or "change"
            form.fields["project"].queryset = projects_for(
                self.request.user, self.permission_policy, action
            )
        return form
