"""Pagination that stays fast at a million candidates.

Two costs dominate a deep page of a big table: an exact COUNT(*) over
every matching row, and OFFSET dragging the joined rows it skips. So:

- the count comes from PostgreSQL's planner estimate when that estimate is
  large (the page then says "≈ N (estimated)"); small results and SQLite are
  counted exactly, and a first page that is not full needs no count at all;
- a filter may know an exact upper bound on the count cheaply (the rating
  filters read it from their count tables): a small bound makes the count
  exact (COUNT(*) finds at most that many rows), a large one caps the
  estimate, which the planner cannot derive from such filters (it guesses
  a fixed share of rows and can be ten times off either way);
- a page first selects only the ids of its rows (OFFSET over the narrow
  candidate table, no joins), then fetches those rows with their related
  observation, beam and project ("deferred join"); a table with
  `record_fields()` gets just those values per row, as dicts.
"""

import json

from django.db import connections

from catalogue.browse.adapters.paginator import TableQuerysetPaginator

# Above this many estimated rows the estimate is shown instead of a COUNT(*).
EXACT_COUNT_LIMIT = 10_000
# Page sizes a `per_page` query parameter may ask for, and the default.
MIN_PER_PAGE, MAX_PER_PAGE = 10, 200
DEFAULT_PER_PAGE = 50


def clamp_per_page(per_page):
    """A requested page size (rows) held within MIN_PER_PAGE..MAX_PER_PAGE."""
    return max(MIN_PER_PAGE, min(int(per_page), MAX_PER_PAGE))


def estimated_rows(queryset):
    """The PostgreSQL planner's row estimate for `queryset` (no rows read)."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    if isinstance(plan, list):
        plan = plan[0]
    return int(plan["Plan"]["Plan Rows"])


def count_rows(queryset, exactly=False, at_most=None):
    """(count, is_estimate): the planner's estimate when large, else COUNT(*).

    `exactly` skips the estimate for a result known to be small. `at_most`,
    an exact upper bound on the count from the filters (or None): up to
    `EXACT_COUNT_LIMIT` it makes the count exact; above it the count is the
    planner's estimate capped at the bound, never a COUNT(*) over that many
    rows, even when the planner expects fewer.
    """
    if queryset.query.is_empty():
        return 0, False
    bounded = at_most is not None
    if bounded and at_most <= EXACT_COUNT_LIMIT:
        exactly = True
    if not exactly and connections[queryset.db].vendor == "postgresql":
        estimate = estimated_rows(queryset)
        if bounded:
            return min(estimate, at_most), True
        if estimate > EXACT_COUNT_LIMIT:
            return estimate, True
    return queryset.count(), False


class CataloguePaginator(TableQuerysetPaginator):
    """A django-tables2 paginator with an estimated count and deferred joins."""

    is_estimated = False

    def __init__(
        self, object_list, per_page, count_exactly=False, count_at_most=None, **kw
    ):
        """`count_exactly`: the filters bound the result (a cone search), so
        COUNT(*) is cheap and the planner estimate is not asked for.
        `count_at_most`: the filter set's exact upper bound on the count, or
        None (`count_rows`)."""
        per_page = clamp_per_page(per_page)
        self.count_exactly = count_exactly
        self.count_at_most = count_at_most
        super().__init__(object_list, per_page, **kw)

    def row_count(self):
        count, self.is_estimated = count_rows(
            self.queryset, self.count_exactly, self.count_at_most
        )
        return count

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
