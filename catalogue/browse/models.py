"""What the catalogue page remembers per user beyond its URL."""

from django.conf import settings
from django.db import models


class CataloguePreference(models.Model):
    """A user's catalogue settings that outlive a URL: the chosen columns."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="catalogue_preference",
    )
    # Names of the catalogue table columns to show, in table order.
    columns = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"catalogue preferences of {self.user}"
