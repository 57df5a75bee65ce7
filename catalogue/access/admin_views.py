"""Members, roles and their log in the Wagtail admin (/cms/), for staff
and, limited to their projects, for project admins.

Creating, editing and deleting a membership there goes through
`catalogue.access.services`, so each change is written to the membership
log exactly as on the project admin page. The log itself is read-only.
Who reaches which rows is `catalogue.access.admin_policy`.
"""

from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from catalogue.access.admin_policy import (
    ProjectScopedPermissionPolicy,
    ScopedFormMixin,
    ScopedIndexMixin,
    ScopedObjectMixin,
)
from catalogue.access.models import Membership, MembershipLog
from catalogue.access.services import remove_member, set_role


class MembershipIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class MembershipCreateView(ScopedFormMixin, generic.CreateView):
    def save_instance(self):
        wanted = self.form.instance
        instance = set_role(wanted.project, wanted.user, wanted.role, self.request.user)
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance


class MembershipEditView(ScopedObjectMixin, ScopedFormMixin, generic.EditView):
    def save_instance(self):
        wanted = self.form.instance
        before = Membership.objects.get(pk=wanted.pk)
        if (before.project_id, before.user_id) != (wanted.project_id, wanted.user_id):
            remove_member(before.project, before.user, self.request.user)
        instance = set_role(wanted.project, wanted.user, wanted.role, self.request.user)
        self.has_content_changes = self.form.has_changed()
        log(instance=instance, action="wagtail.edit", content_changed=True)
        return instance


class MembershipDeleteView(ScopedObjectMixin, generic.DeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete")
        remove_member(self.object.project, self.object.user, self.request.user)


class MembershipViewSet(ModelViewSet):
    """Who holds which role in which project."""

    model = Membership
    icon = "group"
    menu_label = "Project members"
    list_display = ["user", "project", "role", "created_at"]
    list_filter = ["project", "role"]
    search_fields = ["user__username", "project__slug", "project__name"]
    form_fields = ["project", "user", "role"]
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return ProjectScopedPermissionPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Membership.objects.select_related("project", "user"), **kwargs
        )


class MembershipLogIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class MembershipLogInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class MembershipLogViewSet(ModelViewSet):
    """Every membership change: who changed whose role, and when."""

    model = MembershipLog
    icon = "history"
    menu_label = "Membership log"
    list_display = [
        "at",
        "project_slug",
        "action",
        "member_username",
        "old_role",
        "new_role",
        "actor_username",
    ]
    list_filter = ["action", "project"]
    search_fields = ["project_slug", "member_username", "actor_username"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = []

    index_view_class = MembershipLogIndexView
    inspect_view_class = MembershipLogInspectView

    @property
    def permission_policy(self):
        # Browse and inspect only: the log is never edited or deleted by hand.
        return ProjectScopedPermissionPolicy(
            self.model,
            admin_actions=["view"],
            forbidden_actions=["add", "change", "delete"],
        )
