"""The one place that turns catalogue query-string filters into a queryset.

The catalogue list, its exports and the candidate page's "Rate & next"
(which carries the rater's catalogue filters in its URL) all call
`filtered_candidates`, so "next" always means "next in what I was looking
at": same filters (`catalogue.browse.filters.candidate_filterset_class`),
same order.
"""

from django.db.models import F

from catalogue.browse.filters import (
    candidate_filterset_class,
    given_filters,
    narrowed_filterset_class,
)
from catalogue.survey.columns import COLUMN_NAMES
from catalogue.survey.models import Candidate

# Sort key (the `sort` query parameter, "-" prefix for descending) → the
# model paths it orders by. `id` always follows as the tie-breaker, so the
# order is total and pages never overlap or skip rows.
SORT_PATHS = {
    **{name: (name,) for name in COLUMN_NAMES},
    "project": ("observation__project__slug",),
    "observation": ("observation__sbid",),
    "beam": ("beam__index",),
    "id": (),
}
CONE_SORT_KEY = "separation_arcsec"
DEFAULT_SORT = "-id"  # newest candidates first


def base_candidates():
    """All candidates with the related rows every listing shows."""
    return Candidate.objects.select_related("beam", "observation__project")


def sort_keys(cone=False):
    """Sort keys allowed in the `sort` parameter (separation only with a cone)."""
    return set(SORT_PATHS) | ({CONE_SORT_KEY} if cone else set())


def default_sort(cone=False):
    """Nearest first for a cone search, otherwise newest first."""
    return CONE_SORT_KEY if cone else DEFAULT_SORT


def order_expressions(sort):
    """ORDER BY expressions for a valid sort key: NULLs last, then `id`."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    paths = SORT_PATHS.get(key, (key,))
    expressions = []
    for path in paths:
        field = F(path)
        expressions.append(
            field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
        )
    expressions.append(F("id").desc() if descending else F("id").asc())
    return expressions


def clean_sort(sort, cone=False):
    """`sort` if it names a sortable column, else the default order."""
    if sort and sort.lstrip("-") in sort_keys(cone) and sort.count("-") <= 1:
        return sort
    return default_sort(cone)


def sorted_candidates(candidates, sort, cone=False):
    """`candidates` in the (cleaned) order `sort`, stable via the id tie-breaker."""
    return candidates.order_by(*order_expressions(clean_sort(sort, cone)))


def catalogue_filterset(params, user, queryset=None):
    """The catalogue FilterSet bound to `params` (always bound: defaults apply)."""
    return candidate_filterset_class()(
        params, queryset if queryset is not None else base_candidates(), user=user
    )


def walking_filterset(params, user):
    """`catalogue_filterset`'s rows and errors for `params`, built from only
    the filters `params` give (no form to show: the candidate page's walks)."""
    filterset_class = narrowed_filterset_class(given_filters(params))
    return filterset_class(params, base_candidates(), user=user)


def filtered_candidates(params, user):
    """Candidates matching catalogue query parameters `params` for `user`.

    Returns (queryset, form_errors), the queryset ordered like the catalogue
    (`sort` parameter, id tie-breaker). Invalid parameters give an empty
    queryset and the form's errors ({field: [messages]}), never unfiltered
    data. With no parameters: best-beam candidates, newest first.
    """
    filterset = catalogue_filterset(params, user)
    if not filterset.is_valid():
        errors = {field: list(messages) for field, messages in filterset.errors.items()}
        return Candidate.objects.none(), errors
    cone = filterset.cone is not None
    return sorted_candidates(filterset.qs, params.get("sort"), cone), {}
