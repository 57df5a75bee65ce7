"""The django-tables2 behaviour the catalogue's speed relies on, in one place.

The catalogue table has about 35 columns and is built on every request, so
two of django-tables2's habits are worked around here rather than all over
the browse package. `tests/catalogue/browse/test_tables2_adapter.py` pins
what each relies on and fails when django-tables2 changes it.
"""

import copy


class CheaplyCopiedColumnMixin:
    """A column that `copy.deepcopy` copies shallowly, with its `attrs`.

    Every `Table()` deep-copies all its class-level columns
    (`Table.__init__` does `copy.deepcopy(type(self).base_columns)`), and a
    deep copy of a column walks its verbose name, accessor and attrs: that
    cost more than the page's queries. A catalogue column keeps no
    per-table state (its table does), so a shallow copy is enough; the
    `attrs` dicts are copied so that a table may change its own.
    """

    def __deepcopy__(self, memo):
        column = copy.copy(self)
        column.attrs = {key: dict(value) for key, value in self.attrs.items()}
        return column


def record_key(bound_column):
    """The key of `bound_column`'s value in a row fetched with
    `QuerySet.values()`: its accessor with "__" between relations.

    Rows are fetched as dicts of just the shown columns (see
    `catalogue.browse.pagination`), so a cell reads `record[key]` instead of
    resolving the accessor per cell. A legacy "." accessor becomes "__".
    """
    return str(bound_column.accessor).replace(".", "__")
