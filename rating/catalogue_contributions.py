"""What the rating app adds to the catalogue's pages besides filters: the tag
list of the filter panel and the rating counts of the site admin page.

Registered by `RatingConfig.ready()`, so the catalogue never imports rating.
"""

from django.db.models import F, OuterRef

from catalogue.siteadmin.counts import Count, CountDistinct, scalar
from rating.models import Rating, Tag


def tag_choices():
    """[(id, label)] of every tag, for the catalogue's tag drop-down."""
    return [(tag.pk, str(tag)) for tag in Tag.objects.all()]


def rating_counts(path):
    """`n_rated` (candidates with a rating) and `n_ratings` below a project or
    observation; `path` is the lookup from an observation to the outer row."""
    ratings = Rating.objects.filter(**{f"candidate__observation{path}": OuterRef("pk")})
    return {
        "n_rated": scalar(ratings, CountDistinct(F("candidate_id"))),
        "n_ratings": scalar(ratings, Count(F("id"))),
    }
