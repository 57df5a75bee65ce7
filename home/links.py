"""Links to the portal's apps shown in the header and on the home page."""

from django.urls import reverse


def app_links():
    """URLs of the catalogue, "rate next" and the ratings summary."""
    return {
        "catalogue": reverse("catalogue:list"),
        "rate_next": reverse("rating:rate_next"),
        "ratings": reverse("ratings:summary"),
    }
