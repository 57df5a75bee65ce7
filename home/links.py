"""Links to the portal's apps shown in the header and on the home page."""

from django.urls import reverse

# The rating queue: candidates below their project's target number of raters
# that I have not rated, most significant first (`rating.policy`).
QUEUE_QUERY = "rating_status=needs_ratings&sort=-chi_square_sigma"


def app_links():
    """URLs of the catalogue, "rate next", the queue and the ratings summary."""
    return {
        "catalogue": reverse("catalogue:list"),
        "rate_next": reverse("rating:rate_next"),
        "queue": f"{reverse('rating:rate_next')}?{QUEUE_QUERY}",
        "ratings": reverse("ratings:summary"),
    }
