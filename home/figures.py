"""The logged-in user's figures on the home page, in three aggregate queries."""

from django.db.models import Count, F, Q

from catalogue.access.rules import (
    visible_candidates,
    visible_observations,
    visible_ratings,
)
from catalogue.survey.models import Observation
from rating.models import Rating


def user_figures(user):
    """Counts for `user`: best-beam candidates, those they have not rated yet,
    their ratings, and the latest observation (by start time, then ingest).
    """
    candidates = visible_candidates(user).filter(is_best_beam=True).count()
    ratings = visible_ratings(user, Rating.objects.filter(user=user)).aggregate(
        total=Count("id"), best_beam=Count("id", filter=Q(candidate__is_best_beam=True))
    )
    latest = (
        visible_observations(user, Observation.objects.select_related("project"))
        .order_by(F("start_time").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    return {
        "candidates": candidates,
        "unrated": candidates - ratings["best_beam"],
        "my_ratings": ratings["total"],
        "latest_observation": latest,
    }
