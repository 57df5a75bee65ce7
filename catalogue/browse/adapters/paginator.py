"""Django's Paginator for a django-tables2 table, with the count and the page
rows left to a subclass.

The catalogue's paginator counts with a planner estimate and fetches a page
by ids (`catalogue.browse.pagination`); doing so reaches into both
libraries, and only this module does:

- django-tables2's `Table.paginate` builds `paginator_class(table.rows,
  per_page, **kwargs)` and then calls its `page(number)`; `table.rows` is a
  `BoundRows` whose `.data.data` is the table's sorted queryset and whose
  `.table` is the table, and a page's `object_list` must be a `BoundRows`;
- Django's `Paginator.count` is a `cached_property`, so its value lives in
  the instance `__dict__` under "count", where `num_pages`,
  `validate_number` and the page read it;
- `Paginator._get_page(object_list, number, paginator)` builds the `Page`
  (what `Paginator.page` itself calls).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django_tables2.rows import BoundRows


class TableQuerysetPaginator(Paginator):
    """A table's paginator; subclasses supply `row_count()` and `page()`."""

    @property
    def queryset(self):
        """The table's sorted queryset (the paginator is given bound rows)."""
        return self.object_list.data.data

    @property
    def table(self):
        return self.object_list.table

    @cached_property
    def count(self):
        return self.row_count()

    def row_count(self):
        """Rows in the whole result; asked at most once per paginator."""
        return self.queryset.count()

    def count_is_known(self):
        return "count" in self.__dict__

    def know_count(self, count):
        """Record an exact count found without counting (a short first page)."""
        self.__dict__["count"] = count

    def page_of(self, records, number):
        """Page `number` (already validated) showing `records` as table rows."""
        return self._get_page(BoundRows(records, table=self.table), number, self)
