"""The candidate page's walks filter with only the filters their query
string gives: the same rows (the same SQL) and the same errors as the
catalogue's full FilterSet, for every kind of parameter."""

import pytest
from django.core.exceptions import EmptyResultSet
from django.http import QueryDict

from catalogue.browse.querying import catalogue_filterset, walking_filterset
from tests.factories import ProjectFactory, UserFactory

QUERIES = [
    "",
    "sort=-chi_square_sigma",
    "project=walk",
    "project=nowhere",
    "best_beam=off",
    "chi_square_sigma_min=3&chi_square_sigma_max=8",
    "chi_square_sigma_min=9&chi_square_sigma_max=2",
    "peak_map_min=abc",
    "name=J22&beam=3",
    "cone_ra=333.6&cone_dec=-45.2&cone_radius=2&cone_unit=arcmin",
    "cone_ra=333.6&cone_dec=-45.2",
    "cone_ra=22:14:25&cone_dec=-45:12:00&cone_radius=30&cone_target=deep",
    "rating_status=needs_ratings&sort=-chi_square_sigma",
    "rating_status=unrated_by_me&my_label=true",
    "consensus=false&disputed=yes",
    "observation=SB50230",
]


def sql(queryset):
    try:
        return str(queryset.query)
    except EmptyResultSet:  # e.g. a project without observations
        return "no rows"


@pytest.mark.parametrize("query", QUERIES)
def test_walking_filterset_matches_the_catalogue_filterset(db, query):
    ProjectFactory(slug="walk")
    user = UserFactory()
    params = QueryDict(query)
    full = catalogue_filterset(params, user)
    walking = walking_filterset(params, user)

    assert walking.is_valid() == full.is_valid()
    if not full.is_valid():
        assert walking.errors == full.errors
        return
    assert sql(walking.qs) == sql(full.qs)
    assert walking.cone == full.cone
    assert walking.count_at_most == full.count_at_most
    assert len(walking.form.fields) < len(full.form.fields)
