"""What `catalogue.browse.adapters.tables2` relies on in django-tables2.

Each test pins one behaviour of django-tables2 that the catalogue's speed
depends on; a failure here after an upgrade means the adapter needs a look.
"""

import copy

import django_tables2 as tables
from django_tables2.utils import Accessor

from catalogue.browse.adapters.tables2 import CheaplyCopiedColumnMixin, record_key
from catalogue.browse.tables import CandidateTable


class CountedColumn(CheaplyCopiedColumnMixin, tables.Column):
    copies = 0

    def __deepcopy__(self, memo):
        type(self).copies += 1
        return super().__deepcopy__(memo)


class SmallTable(tables.Table):
    first = CountedColumn(attrs={"td": {"class": "num"}})
    second = CountedColumn(accessor="observation__project__slug")


def test_a_table_deep_copies_each_class_column_once():
    CountedColumn.copies = 0
    SmallTable([])
    assert CountedColumn.copies == 2


def test_the_copy_is_shallow_but_its_attrs_are_its_own():
    original = SmallTable.base_columns["first"]
    original.walked_by_deepcopy = []
    copied = SmallTable([]).columns["first"].column
    assert copied is not original
    assert copied.walked_by_deepcopy is original.walked_by_deepcopy
    copied.attrs["td"]["class"] = "changed"
    assert original.attrs["td"]["class"] == "num"
    assert SmallTable([]).columns["first"].column.attrs["td"]["class"] == "num"


def test_deepcopy_of_a_catalogue_column_uses_the_cheap_copy():
    column = CandidateTable.base_columns["peak_map"]
    copied = copy.deepcopy(column)
    assert copied.__dict__.keys() == column.__dict__.keys()
    assert copied.attrs == column.attrs and copied.attrs is not column.attrs


def test_record_key_is_the_values_key_of_the_accessor():
    table = SmallTable([])
    assert record_key(table.columns["first"]) == "first"
    assert record_key(table.columns["second"]) == "observation__project__slug"


def test_accessors_read_values_dicts_by_the_whole_key():
    # Rows fetched with values() are dicts keyed by "a__b"; django-tables2
    # must read such a key as it is, not walk it as a relation.
    record = {"observation__project__slug": "vast"}
    assert Accessor("observation__project__slug").resolve(record) == "vast"


def test_bound_rows_hand_back_the_records_given():
    records = [{"first": 1, "second": "a"}, {"first": 2, "second": "b"}]
    table = SmallTable(records)
    assert [row.record for row in table.rows] == records
