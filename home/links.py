"""Links to the portal's apps, tolerant of apps that are not built yet.

"Rate next" (issue 5) and the ratings summary (issue 6) may not exist on a
given branch: the catalogue of unrated candidates stands in for the first,
and the second is left out until `/ratings/` resolves to a view.
"""

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

RATINGS_SUMMARY_PATH = "/ratings/"


def rate_next_url():
    try:
        return reverse("rating:rate_next")
    except NoReverseMatch:
        return reverse("catalogue:list") + "?rating_status=unrated_by_me"


def ratings_summary_url():
    try:
        match = resolve(RATINGS_SUMMARY_PATH)
    except Resolver404:
        return None
    return None if match.url_name == "wagtail_serve" else RATINGS_SUMMARY_PATH


def app_links():
    """URLs of the catalogue, "rate next" and the ratings summary (or None)."""
    return {
        "catalogue": reverse("catalogue:list"),
        "rate_next": rate_next_url(),
        "ratings": ratings_summary_url(),
    }
