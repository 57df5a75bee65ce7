"""Upload tokens for the ingest API: per user, stored hashed.

Only the sha256 of a key is kept; the key itself is shown to its owner once,
when it is created. `prefix` (the first characters of the key) lets the owner
tell tokens apart on the tokens page.
"""

from django.conf import settings
from django.db import models

from catalogue.survey.models import Project


class UploadToken(models.Model):
    """One API key of a user; revoked tokens are kept (who used what, when)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_tokens"
    )
    name = models.CharField(
        max_length=100, blank=True, help_text="what the token is for"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The projects this token may write (its owner must also be an uploader
    # of each); reading follows the owner's visibility.
    projects = models.ManyToManyField(Project, blank=True, related_name="upload_tokens")
    # Creating a new project through the API (its creator becomes the new
    # project's admin); offered to staff on the tokens page.
    may_create_projects = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self):
        return self.revoked_at is None
