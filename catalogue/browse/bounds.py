"""Data-driven bounds of the numeric columns, for the range sliders.

The minimum and maximum of every numeric column are computed in one
aggregate query and kept in Django's cache for `BOUNDS_TIMEOUT_S` seconds:
slider bounds only need to be roughly current, and a trigger on every
insert would tax ingest for a cosmetic benefit.
"""

from django.core.cache import cache
from django.db.models import Max, Min

from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.models import Candidate

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
    """Cached `compute_column_bounds()` (recomputed at most every 10 minutes)."""
    return cache.get_or_set(BOUNDS_CACHE_KEY, compute_column_bounds, BOUNDS_TIMEOUT_S)
