"""Which candidate comes next for a rater: the catalogue list's own order.

The rater's catalogue filters and sort travel in the candidate page's query
string. Previous, Next, Rate & next and Skip walk the list those parameters
describe (`catalogue.browse.querying`): same filters, same order (NULLs
last, `id` as tie-breaker; nearest first for a cone search).

Every step is a keyset seek from the current row's sort key, never an
OFFSET: the rows after (value, id) in the list's order are those with the
same value and a later id, then those with a later value, then (NULLs
last) those without a value. Each part is one `LIMIT 1` query that an
index on the sort column can answer at any depth.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, F, Q

from catalogue.access.rules import ratable_candidates, visible_candidates
from catalogue.browse.pagination import (
    ESTIMATE_SLACK,
    EXACT_COUNT_LIMIT,
    estimated_rows,
)
from catalogue.browse.querying import (
    CONE_SORT_KEY,
    SORT_PATHS,
    clean_sort,
    walking_filterset,
)
from catalogue.survey.models import Candidate
from catalogue.survey.sky import cone_search
from rating.models import Rating

# Rating statuses whose list already leaves out the rater's own ratings
# (`rating.catalogue_filters`): the walk does not exclude them twice.
UNRATED_BY_ME_STATUSES = frozenset({"unrated_by_me", "needs_ratings"})

# Query parameters of the candidate page itself, never catalogue filters.
PAGE_PARAMS = frozenset({"radius", "after", "page"})


def filter_params(query):
    """A copy of `query` (a QueryDict) holding only catalogue list parameters."""
    params = query.copy()
    for name in PAGE_PARAMS:
        params.pop(name, None)
    return params


def filter_querystring(query):
    """The catalogue filters and sort of `query` as a query string ('' if none)."""
    return filter_params(query).urlencode()


@dataclass(frozen=True)
class Position:
    """Where a candidate stands in its list: `number` of `total`, from 1.

    Both are PostgreSQL planner estimates when `estimated` (large lists,
    where an exact count would read every row before the candidate).
    """

    number: int
    total: int
    estimated: bool

    def page(self, per_page):
        """The list page (from 1) that shows the candidate."""
        return (self.number - 1) // per_page + 1


class Listing:
    """The catalogue list described by `params`, as seen by `user`.

    `candidates` is the filtered, unordered queryset (empty for invalid
    parameters, as the catalogue shows none); `path` is the model path the
    list is sorted by (None when it is sorted by id alone) and `descending`
    its direction.
    """

    def __init__(self, params, user):
        filterset = walking_filterset(params, user)
        self.user = user
        self.cone = filterset.cone if filterset.is_valid() else None
        self.candidates = (
            filterset.qs.order_by()
            if filterset.is_valid()
            else Candidate.objects.none()
        )
        # A rating filter's exact bound (count tables), which the planner
        # cannot estimate; None without one.
        self.count_at_most = filterset.count_at_most if filterset.is_valid() else None
        sort = clean_sort(params.get("sort"), cone=self.cone is not None)
        self.descending = sort.startswith("-")
        key = sort.lstrip("-")
        paths = (key,) if key == CONE_SORT_KEY else SORT_PATHS[key]
        self.path = paths[0] if paths else None

    def sort_value(self, candidate_id):
        """The sort key of candidate `candidate_id` (which may have left the list).

        Returns (found, value): found is False when the candidate does not
        exist or lies outside the cone, so the walk starts from the top.
        """
        if self.path is None:
            return True, None
        rows = visible_candidates(self.user, Candidate.objects.filter(pk=candidate_id))
        if self.path == CONE_SORT_KEY:
            rows = cone_search(rows, *self.cone[:3], target=self.cone[3])
        values = list(rows.values_list(self.path, flat=True)[:1])
        return (True, values[0]) if values else (False, None)

    def _order(self, reverse=False):
        """ORDER BY of the list (or of the list read backwards)."""
        descending = self.descending != reverse
        expressions = []
        if self.path is not None:
            # Reading backwards, NULLs (last in the list) come first.
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
            field = F(self.path)
            expressions.append(
                field.desc(**nulls) if descending else field.asc(**nulls)
            )
        expressions.append(F("id").desc() if descending else F("id").asc())
        return expressions

    def _steps(self, candidates, value, current_id, reverse):
        """Querysets whose union is the rows past (value, id), in walking order."""
        later = "lt" if self.descending != reverse else "gt"
        same_value_later_id = {f"id__{later}": current_id}
        if self.path is None:
            return [candidates.filter(**same_value_later_id)]
        if value is None:
            nulls = candidates.filter(
                **{f"{self.path}__isnull": True}, **same_value_later_id
            )
            if reverse:  # before the NULLs come every row with a value
                return [nulls, candidates.filter(**{f"{self.path}__isnull": False})]
            return [nulls]
        steps = [
            candidates.filter(**{self.path: value}, **same_value_later_id),
            candidates.filter(**{f"{self.path}__{later}": value}),
        ]
        if not reverse:
            steps.append(candidates.filter(**{f"{self.path}__isnull": True}))
        return steps

    def _before_q(self, value, current_id):
        """Q of the rows before (value, current_id) in the list's order."""
        earlier = "gt" if self.descending else "lt"
        same_value_earlier_id = Q(**{f"id__{earlier}": current_id})
        if self.path is None:
            return same_value_earlier_id
        if value is None:
            return Q(**{f"{self.path}__isnull": False}) | (
                Q(**{f"{self.path}__isnull": True}) & same_value_earlier_id
            )
        return Q(**{f"{self.path}__{earlier}": value}) | (
            Q(**{self.path: value}) & same_value_earlier_id
        )

    def position(self, current_id):
        """The `Position` of `current_id` in the list, or None if not in it.

        Small lists (by the planner's estimate, or by a rating filter's
        exact bound, which the planner cannot estimate) are counted exactly,
        the candidate's number and the total in one query; large ones report
        both estimates, which cost no row reads, the total capped at the
        bound.
        """
        # One query says whether the candidate is listed and reads its key.
        in_list = self.candidates.filter(pk=current_id)
        values = list(in_list.values_list(self.path or "id", flat=True)[:1])
        if not values:
            return None
        value = values[0] if self.path else None
        before = self._before_q(value, current_id)
        at_most = self.count_at_most
        small = at_most is not None and at_most <= EXACT_COUNT_LIMIT * ESTIMATE_SLACK
        if connections[self.candidates.db].vendor == "postgresql" and not small:
            total = estimated_rows(self.candidates)
            if at_most is not None:  # never above the count tables' bound
                total = min(total, at_most)
            if total > EXACT_COUNT_LIMIT:
                number = estimated_rows(self.candidates.filter(before)) + 1
                return Position(min(number, total), total, estimated=True)
        counts = self.candidates.aggregate(
            total=Count("id"), before=Count("id", filter=before)
        )
        return Position(counts["before"] + 1, counts["total"], estimated=False)

    def first(self, candidates=None, reverse=False):
        """Id of the list's first row (last if `reverse`), or None."""
        candidates = self.candidates if candidates is None else candidates
        return _first_id(candidates.order_by(*self._order(reverse)))

    def seek(self, current_id, reverse=False, candidates=None):
        """Id of the row after (before, if `reverse`) `current_id`, or None."""
        candidates = self.candidates if candidates is None else candidates
        found, value = self.sort_value(current_id)
        if not found:
            return None
        order = self._order(reverse)
        for step in self._steps(candidates, value, current_id, reverse):
            next_id = _first_id(step.order_by(*order))
            if next_id is not None:
                return next_id
        return None

    def leading_rows(self, limit, candidates=None):
        """The list's first `limit` rows (model instances), in its order."""
        candidates = self.candidates if candidates is None else candidates
        return list(candidates.order_by(*self._order())[:limit])

    def rows_after(self, current_id, limit, candidates=None):
        """Up to `limit` rows after `current_id`, in the list's order (a seek).

        Each step of the seek is one `LIMIT` query, read only while rows are
        still missing; [] when `current_id` has left the list's sort range.
        """
        candidates = self.candidates if candidates is None else candidates
        found, value = self.sort_value(current_id)
        if not found:
            return []
        rows = []
        order = self._order()
        for step in self._steps(candidates, value, current_id, reverse=False):
            rows += step.order_by(*order)[: limit - len(rows)]
            if len(rows) >= limit:
                break
        return rows


def _first_id(queryset):
    ids = list(queryset.values_list("id", flat=True)[:1])
    return ids[0] if ids else None


def next_unrated_id(params, user, after_id=None):
    """Id of `user`'s next unrated candidate after `after_id` in the list's order.

    Wraps around to the top of the list; None when every candidate of the
    list is rated by `user`.
    """
    listing = Listing(params, user)
    unrated = listing.candidates
    if params.get("rating_status") not in UNRATED_BY_ME_STATUSES:
        # NOT IN over the rater's own ratings (read once through the
        # (user, candidate) index into a hashed subplan). A NOT EXISTS lets
        # PostgreSQL pick a merge anti-join that reads every rating of every
        # rater when this one has few: 38 ms instead of 1 on 100,000 ratings.
        mine = Rating.objects.filter(user=user).values("candidate_id")
        unrated = unrated.exclude(id__in=mine)
    unrated = ratable_candidates(user, unrated)
    if after_id is not None:
        found = listing.seek(after_id, candidates=unrated)
        if found is not None:
            return found
    return listing.first(unrated)


def neighbour_id(params, user, current_id, direction):
    """Id of the previous or next candidate in the list (no wrap), or None."""
    return Listing(params, user).seek(current_id, reverse=direction == "previous")
