"""Permission policy for Wagtail admin viewsets of data that only the ingest
(or the rating service) writes: browse, inspect and delete, never add or edit
by hand, so stored files and rating history stay consistent.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadDeletePermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in ("add", "change")]
        return super().users_with_any_permission(actions)
