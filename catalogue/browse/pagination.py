"""Pagination that stays fast at a million candidates, with honest counts.

Two costs dominate a deep page of a big table: an exact COUNT(*) over
every matching row, and OFFSET dragging the joined rows it skips. So:

- the count is exact when it is cheap: on SQLite, for a cone search, when
  the planner expects at most `EXACT_COUNT_LIMIT` rows (`ESTIMATE_SLACK`
  times that, as its estimates run high), and when a first page that is
  not full is the whole result (no count needed at all).
  `EXACT_COUNT_LIMIT` is measured: on the 1,000,000-candidate bench
  database (`portal_bench`, PostgreSQL 15, 2 cores shared with other
  work) COUNT(*) of a best-beam `chi_square_sigma_min` filter (index range
  scan) took 4-30 ms for 901 rows, 20-100 ms for 9,010, 140-190 ms for
  29,592 and 260-440 ms for 90,006 (psql and in-process, load average
  6-10 on the 2 cores); so about 5,000 rows count within ~30 ms. A
  filter on a column without an index reads the whole table whatever it
  matches (200-560 ms), which a row bound cannot see: every
  automatic COUNT(*) therefore runs under `CHEAP_COUNT_TIMEOUT_MS`, a
  statement timeout, and past it the page shows the estimate instead;
- above that the page shows the planner's estimate and says so ("≈ N
  (estimated)"), with a one-click exact count: `count=exact` in the query
  string counts under `EXACT_COUNT_TIMEOUT_MS` and shows the estimate
  again, saying the count took too long, only past that;
- a filter may know an exact upper bound on the count cheaply (the rating,
  consensus and tag filters read it from their trigger-kept count tables).
  The planner cannot estimate such filters (it guesses a fixed share of
  rows and can be orders of magnitude off), so their count is never a
  planner figure: a COUNT(*) under `CHEAP_COUNT_TIMEOUT_MS`, and if that
  takes longer the page states the bound ("at most N") with the
  exact-count link. On the bench (1,000,000 candidates, 100,000 ratings,
  best beams) "disputed" (1,048 rows) took 18-38 ms, "consensus true"
  (9,750) 75-125 ms, "any rating unsure" (14,561, bound 16,197) 106-158
  ms and "rated" (30,034, bound 33,334) 145-235 ms, so under load "rated"
  states its bound;
- a page first selects only the ids of its rows (OFFSET over the narrow
  candidate table, no joins), then fetches those rows with their related
  observation, beam and project ("deferred join"); a table with
  `record_fields()` gets just those values per row, as dicts.
"""

import json
from typing import NamedTuple

from django.db import OperationalError, connections, transaction

from catalogue.browse.adapters.paginator import TableQuerysetPaginator

# Up to this many rows (by the planner's estimate or a filter's exact bound)
# an indexed COUNT(*) costs about 30 ms at 1,000,000 candidates (measured
# above).
EXACT_COUNT_LIMIT = 5_000
# The planner's estimate of a column-range filter was up to 7 times the
# true count on the bench (6,594 for 901 rows): a COUNT(*) is still tried,
# under the timeout, up to this many times EXACT_COUNT_LIMIT estimated rows.
ESTIMATE_SLACK = 4
# Statement timeouts (ms) of an automatic count and of an asked-for one.
CHEAP_COUNT_TIMEOUT_MS = 150
EXACT_COUNT_TIMEOUT_MS = 10_000
# PostgreSQL's SQLSTATE for a statement cancelled by its timeout.
QUERY_CANCELED = "57014"
# Page sizes a `per_page` query parameter may ask for, and the default.
MIN_PER_PAGE, MAX_PER_PAGE = 10, 200
DEFAULT_PER_PAGE = 50


class RowCount(NamedTuple):
    """A result's size as the page states it.

    `is_estimate`: not a COUNT(*) (the planner's estimate, or the bound).
    `is_upper_bound`: `value` is a filter's exact upper bound, not a
    planner figure. `timed_out`: an exact count was asked for and took
    longer than its timeout.
    """

    value: int
    is_estimate: bool
    is_upper_bound: bool = False
    timed_out: bool = False


def clamp_per_page(per_page):
    """A requested page size (rows) held within MIN_PER_PAGE..MAX_PER_PAGE."""
    return max(MIN_PER_PAGE, min(int(per_page), MAX_PER_PAGE))


def estimated_rows(queryset):
    """The PostgreSQL planner's row estimate for `queryset` (no rows read)."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    if isinstance(plan, list):
        plan = plan[0]
    return int(plan["Plan"]["Plan Rows"])


def timed_count(queryset, timeout_ms):
    """COUNT(*) of `queryset`, or None when it takes over `timeout_ms`.

    PostgreSQL only (elsewhere a plain count). The timeout is set for the
    count alone: `set_config(..., true)` inside a savepoint that is rolled
    back after the (read-only) count, which also undoes the setting, so the
    request's other queries keep the server's timeout.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    try:
        with transaction.atomic(using=queryset.db):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    [f"{int(timeout_ms)}ms"],
                )
            count = queryset.count()
            transaction.set_rollback(True, using=queryset.db)
        return count
    except OperationalError as exc:
        cause = exc.__cause__  # psycopg2 names the SQLSTATE pgcode, psycopg 3 sqlstate
        code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
        if code != QUERY_CANCELED:
            raise
        return None


def count_rows(queryset, exactly=False, at_most=None, asked=False):
    """The `RowCount` of `queryset` (see the module docstring).

    `exactly`: the filters bound the result (a cone), so COUNT(*) is cheap.
    `at_most`: a filter's exact upper bound on the count, or None. `asked`:
    the user asked for the exact count (`count=exact`).
    """
    if queryset.query.is_empty():
        return RowCount(0, False)
    if connections[queryset.db].vendor != "postgresql":
        return RowCount(queryset.count(), False)
    if asked:
        count = timed_count(queryset, EXACT_COUNT_TIMEOUT_MS)
        if count is not None:
            return RowCount(count, False)
        if at_most is not None:
            return RowCount(at_most, True, is_upper_bound=True, timed_out=True)
        return RowCount(estimated_rows(queryset), True, timed_out=True)
    if at_most is not None:
        count = timed_count(queryset, CHEAP_COUNT_TIMEOUT_MS)
        if count is not None:
            return RowCount(count, False)
        return RowCount(at_most, True, is_upper_bound=True)
    estimate = None if exactly else estimated_rows(queryset)
    if estimate is not None and estimate > EXACT_COUNT_LIMIT * ESTIMATE_SLACK:
        return RowCount(estimate, True)
    count = timed_count(queryset, CHEAP_COUNT_TIMEOUT_MS)
    if count is None:  # slower than the planner's figure let expect
        return RowCount(
            estimated_rows(queryset) if estimate is None else estimate, True
        )
    return RowCount(count, False)


class CataloguePaginator(TableQuerysetPaginator):
    """A django-tables2 paginator with an estimated count and deferred joins."""

    row_count_state = RowCount(0, False)

    def __init__(
        self,
        object_list,
        per_page,
        count_exactly=False,
        count_at_most=None,
        count_asked=False,
        **kw,
    ):
        """`count_exactly`: the filters bound the result (a cone search), so
        COUNT(*) is cheap and the planner estimate is not asked for.
        `count_at_most`: the filter set's exact upper bound on the count, or
        None. `count_asked`: the user asked for the exact count (`count_rows`)."""
        per_page = clamp_per_page(per_page)
        self.count_exactly = count_exactly
        self.count_at_most = count_at_most
        self.count_asked = count_asked
        super().__init__(object_list, per_page, **kw)

    @property
    def count_state(self):
        """The `RowCount` behind `count` (counting first if need be)."""
        self.count  # noqa: B018 (a cached property: counts once)
        return self.row_count_state

    @property
    def is_estimated(self):
        """The count is not a COUNT(*): an estimate or an upper bound."""
        return self.count_state.is_estimate

    def row_count(self):
        self.row_count_state = count_rows(
            self.queryset, self.count_exactly, self.count_at_most, self.count_asked
        )
        return self.row_count_state.value

    def _page_ids(self, number):
        bottom = (number - 1) * self.per_page
        return list(
            self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page]
        )

    def page(self, number):
        ids = None
        if not self.count_is_known() and str(number).strip() == "1":
            ids = self._page_ids(1)
            if len(ids) < self.per_page:
                # A first page that is not full is the whole result: its
                # length is the exact count, no COUNT(*) or estimate needed.
                self.know_count(len(ids))
        number = self.validate_number(number)
        if ids is None:
            ids = self._page_ids(number)
        records = []
        if ids:
            page_rows = self.queryset.filter(pk__in=ids)
            if hasattr(self.table, "record_fields"):
                page_rows = page_rows.values(*self.table.record_fields())
            records = list(page_rows)
        return self.page_of(records, number)
