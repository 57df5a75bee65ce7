"""Data-driven bounds of the numeric columns, for the range sliders.

The minimum and maximum of every numeric column are computed in one
aggregate query and kept in Django's cache. They are forgotten as soon as
an ingest commits new or changed candidates (`candidates_changed`) or an
observation or project is deleted, so a fresh observation is inside the
sliders on the next page view; `BOUNDS_TIMEOUT_S` (s) only bounds the age
of figures after writes that bypass the portal.

Restricted projects a user is no member of are left out of that user's
bounds, so a slider never tells a non-member the range of an embargoed
field's values. Each distinct set of hidden projects has its own cached
figures; "forgetting" starts a new generation, which retires them all.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Max, Min
from django.db.models.signals import post_delete

from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.models import Candidate, Observation, Project
from catalogue.survey.signals import candidates_changed

BOUNDS_GENERATION_KEY = "catalogue:column-bounds:generation"
BOUNDS_TIMEOUT_S = 600


def compute_column_bounds(hidden_slugs=frozenset()):
    """{column name: (min, max)} over the candidates outside the projects
    `hidden_slugs`, in stored units."""
    aggregates = {}
    for column in NUMERIC_COLUMNS:
        aggregates[f"{column.name}__min"] = Min(column.name)
        aggregates[f"{column.name}__max"] = Max(column.name)
    candidates = Candidate.objects.all()
    if hidden_slugs:
        candidates = candidates.exclude(
            beam__observation__project__slug__in=sorted(hidden_slugs)
        )
    row = candidates.aggregate(**aggregates)
    return {
        column.name: (row[f"{column.name}__min"], row[f"{column.name}__max"])
        for column in NUMERIC_COLUMNS
    }


def column_bounds(hidden_slugs=frozenset()):
    """Cached `compute_column_bounds(hidden_slugs)`."""
    generation = cache.get(BOUNDS_GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
    hidden = hashlib.sha256("\n".join(sorted(hidden_slugs)).encode()).hexdigest()
    return cache.get_or_set(
        f"catalogue:column-bounds:v2:{generation}:{hidden[:16]}",
        lambda: compute_column_bounds(hidden_slugs),
        BOUNDS_TIMEOUT_S,
    )


def _new_generation():
    generation = uuid.uuid4().hex
    cache.set(BOUNDS_GENERATION_KEY, generation, None)
    return generation


def forget_column_bounds(**kwargs):
    """Signal receiver: the candidate table changed, recompute on next use."""
    _new_generation()


def connect_bound_refreshes():
    """Forget the bounds after ingests and after deletions of survey data."""
    candidates_changed.connect(forget_column_bounds, dispatch_uid="column-bounds")
    for model in (Observation, Project):
        post_delete.connect(
            forget_column_bounds,
            sender=model,
            dispatch_uid=f"column-bounds-{model.__name__}",
        )
