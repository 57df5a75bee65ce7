"""Data-driven bounds of the numeric columns, for the range sliders.

The minimum and maximum of every numeric column are computed in one
aggregate query and kept in Django's cache. They are forgotten as soon as
an ingest commits new or changed candidates (`candidates_changed`) or an
observation or project is deleted, so a fresh observation is inside the
sliders on the next page view; `BOUNDS_TIMEOUT_S` (s) only bounds the age
of figures after writes that bypass the portal.
"""

from django.core.cache import cache
from django.db.models import Max, Min
from django.db.models.signals import post_delete

from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.models import Candidate, Observation, Project
from catalogue.survey.signals import candidates_changed

BOUNDS_CACHE_KEY = "catalogue:column-bounds:v1"
BOUNDS_TIMEOUT_S = 600


def compute_column_bounds():
    """{column name: (min, max)} over all candidates, in stored units."""
    aggregates = {}
    for column in NUMERIC_COLUMNS:
        aggregates[f"{column.name}__min"] = Min(column.name)
        aggregates[f"{column.name}__max"] = Max(column.name)
    row = Candidate.objects.aggregate(**aggregates)
    return {
        column.name: (row[f"{column.name}__min"], row[f"{column.name}__max"])
        for column in NUMERIC_COLUMNS
    }


def column_bounds():
    """Cached `compute_column_bounds()`."""
    return cache.get_or_set(BOUNDS_CACHE_KEY, compute_column_bounds, BOUNDS_TIMEOUT_S)


def forget_column_bounds(**kwargs):
    """Signal receiver: the candidate table changed, recompute on next use."""
    cache.delete(BOUNDS_CACHE_KEY)


def connect_bound_refreshes():
    """Forget the bounds after ingests and after deletions of survey data."""
    candidates_changed.connect(forget_column_bounds, dispatch_uid="column-bounds")
    for model in (Observation, Project):
        post_delete.connect(
            forget_column_bounds,
            sender=model,
            dispatch_uid=f"column-bounds-{model.__name__}",
        )
