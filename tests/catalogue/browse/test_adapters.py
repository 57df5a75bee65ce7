"""Contracts of the library internals `catalogue.browse.adapters` relies on.

Each test pins one behaviour of django-filter, Django's paginator or
django-tables2 that an adapter's override depends on, so an upgrade that
changes it fails here rather than on the catalogue page.
"""

import django_filters
import pytest
from django.core.paginator import EmptyPage, Paginator
from django.http import QueryDict
from django.utils.functional import cached_property
from django_filters.filters import FilterMethod
from django_tables2 import Column, Table
from django_tables2.rows import BoundRow, BoundRows

from catalogue.browse.adapters.django_filter import (
    FilterCopies,
    FormClassPerFilterSet,
    copy_filter,
)
from catalogue.browse.adapters.paginator import TableQuerysetPaginator
from catalogue.survey.models import Candidate, Project


class PlainFilterSet(django_filters.FilterSet):
    """django-filter as shipped: deep copies and a form class per instance."""

    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    project = django_filters.ModelChoiceFilter(
        field_name="observation__project", queryset=Project.objects.all()
    )
    odd = django_filters.CharFilter(method="filter_odd")

    class Meta:
        model = Candidate
        fields = []

    def filter_odd(self, queryset, name, value):
        self.odd_seen = value
        return queryset


class CheapFilterSet(FormClassPerFilterSet, PlainFilterSet):
    """The same filters through the adapter."""


CheapFilterSet.base_filters = FilterCopies(PlainFilterSet.base_filters)
QUERY = QueryDict("name=J22&odd=yes")


def run_through(filterset_class):
    """Everything the catalogue does with a FilterSet, up to the SQL."""
    filterset = filterset_class(QUERY, Candidate.objects.all())
    assert filterset.is_valid(), filterset.errors
    str(filterset.qs.query)
    return filterset


def test_init_deep_copies_base_filters_and_sets_model_and_parent():
    calls = []

    class Counting(FilterCopies):
        def __deepcopy__(self, memo):
            calls.append(memo)
            return super().__deepcopy__(memo)

    class Counted(PlainFilterSet):
        pass

    Counted.base_filters = Counting(PlainFilterSet.base_filters)
    filterset = Counted(QUERY, Candidate.objects.all())
    assert len(calls) == 1
    for name, original in Counted.base_filters.items():
        instance_filter = filterset.filters[name]
        assert instance_filter is not original
        assert instance_filter.parent is filterset
        assert instance_filter.model is Candidate


def test_the_only_state_set_per_instance_is_model_parent_and_the_field():
    filterset = run_through(PlainFilterSet)
    for name, original in PlainFilterSet.base_filters.items():
        added = set(vars(filterset.filters[name])) - set(vars(original))
        assert added <= {"model", "parent", "_field"}, name


@pytest.mark.django_db
def test_shared_state_is_never_changed_in_place_except_extra():
    originals = {
        name: (dict(vars(f)), dict(f.extra))
        for name, f in CheapFilterSet.base_filters.items()
    }
    filterset = run_through(CheapFilterSet)
    CheapFilterSet(QUERY, Candidate.objects.all()).form.as_div()
    assert filterset.odd_seen == "yes"
    for name, f in CheapFilterSet.base_filters.items():
        attributes, extra = originals[name]
        assert vars(f).keys() == attributes.keys(), name
        assert all(vars(f)[key] is value for key, value in attributes.items()), name
        assert f.extra == extra, name


def test_a_field_writes_its_queryset_into_extra():
    project = copy_filter(PlainFilterSet.base_filters["project"])
    project.parent = None
    project.extra.pop("queryset")
    project.field  # noqa: B018  (building the field is the behaviour pinned)
    assert "queryset" in project.extra
    assert "queryset" in PlainFilterSet.base_filters["project"].extra


def test_setting_method_binds_a_filter_method_resolved_on_the_parent():
    original = PlainFilterSet.base_filters["odd"]
    copied = copy_filter(original)
    assert isinstance(copied.filter, FilterMethod)
    assert copied.filter.f is copied and original.filter.f is original

    class Parent:
        def filter_odd(self, queryset, name, value):
            return (name, value)

    copied.parent = Parent()
    assert copied.filter(Candidate.objects.none(), "v") == ("odd", "v")


def test_the_form_comes_from_get_form_class_and_copies_its_fields():
    first, second = CheapFilterSet(QUERY), CheapFilterSet(QUERY)
    assert type(first.form) is type(second.form) is CheapFilterSet.cached_form_class()
    assert first.form.fields["name"] is not type(first.form).base_fields["name"]
    assert first.form.fields["name"] is not second.form.fields["name"]
    assert list(first.form.fields) == list(PlainFilterSet.base_filters)


class NameTable(Table):
    name = Column()


class StubPaginator(TableQuerysetPaginator):
    """Records what django-tables2 hands over; never touches the database."""

    def row_count(self):
        raise AssertionError("the count was known")

    def page(self, number):
        self.know_count(25)
        return self.page_of([{"name": "A1"}], self.validate_number(number))


def test_tables2_paginates_with_the_tables_rows_and_keeps_the_page():
    queryset = Candidate.objects.all()
    table = NameTable(queryset)
    table.paginate(paginator_class=StubPaginator, per_page=10, page=2)
    paginator = table.paginator
    assert paginator.queryset is queryset
    assert paginator.table is table
    assert isinstance(table.page.object_list, BoundRows)
    rows = list(table.paginated_rows)
    assert [type(row) for row in rows] == [BoundRow]
    assert rows[0].get_cell("name") == "A1"


def test_paginator_count_is_a_cached_property_the_page_arithmetic_reads():
    assert isinstance(Paginator.__dict__["count"], cached_property)
    paginator = StubPaginator(NameTable(Candidate.objects.all()).rows, 10)
    paginator.know_count(25)
    assert paginator.count_is_known() and paginator.count == 25
    assert paginator.num_pages == 3
    assert paginator.validate_number(3) == 3
    with pytest.raises(EmptyPage):
        paginator.validate_number(4)
    page = paginator.page_of([{"name": "B1"}], 2)
    assert page.has_next() and page.start_index() == 11
    assert page.paginator is paginator


def test_the_count_is_asked_for_once():
    asked = []

    class Counting(TableQuerysetPaginator):
        def row_count(self):
            asked.append(1)
            return 5

    paginator = Counting(NameTable(Candidate.objects.all()).rows, 10)
    assert (paginator.count, paginator.num_pages, paginator.count) == (5, 1, 5)
    assert asked == [1]
