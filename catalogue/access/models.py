"""Who belongs to which project, in which role, and the log of changes.

A member holds exactly one role in a project. Staff need no membership:
they may do everything in every project. Whether a project is open or
restricted is `Project.is_restricted` (survey layer).
"""

from django.conf import settings
from django.db import models

from catalogue.survey.models import Project


class Role(models.TextChoices):
    """The roles, weakest first: each may do what the ones before it may."""

    VIEWER = "viewer", "viewer (browse and export)"
    RATER = "rater", "rater (viewer + rate, comment, create tags)"
    UPLOADER = "uploader", "uploader (rater + upload through the API)"
    ADMIN = "admin", "project admin (uploader + settings, members, deletions)"


ROLE_RANK = {role: rank for rank, role in enumerate(Role, start=1)}


class Membership(models.Model):
    """One user's role in one project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_memberships",
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RATER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__slug", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="unique_project_membership"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.project.slug} as {self.role}"


class MembershipLog(models.Model):
    """Who changed whose membership (or a project's openness), and when.

    Names are copied as text so the record outlives the deleted user or
    project it mentions.
    """

    class Action(models.TextChoices):
        ADDED = "added", "member added"
        CHANGED = "changed", "role changed"
        REMOVED = "removed", "member removed"
        RESTRICTED = "restricted", "project restricted"
        OPENED = "opened", "project opened"

    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_log",
    )
    project_slug = models.CharField(max_length=64)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member_username = models.CharField(max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    old_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    new_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'system'}: "
            f"{self.get_action_display()} {self.member_username} "
            f"in {self.project_slug}"
        )
