"""Project admins may open the Wagtail admin (/cms/) without being staff.

Wagtail lets a user in when `user.has_perm("wagtailadmin.access_admin")`;
this backend answers yes for the admin of at least one project, so the
permission follows the membership (no group to keep in step). What they
see there is decided by each viewset's permission policy
(`catalogue.access.admin_policy`): their projects' members, log and
openness, nothing else.
"""

from django.contrib.auth.backends import BaseBackend

from catalogue.access.rules import administers_any_project

ACCESS_ADMIN = "wagtailadmin.access_admin"


class ProjectAdminBackend(BaseBackend):
    """Grants only `wagtailadmin.access_admin`, to active project admins;
    authenticates nobody (the model backend does)."""

    def has_perm(self, user_obj, perm, obj=None):
        return (
            perm == ACCESS_ADMIN
            and user_obj.is_active
            and administers_any_project(user_obj)
        )
