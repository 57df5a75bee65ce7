"""The catalogue's extension points: contributed filters and reference lists.

The rating app contributes its filters and its tag list from
`RatingConfig.ready()`; these tests pin how a contribution is composed into
the catalogue's FilterSet and that a contributed list stays fresh.
"""

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django.urls import reverse

from catalogue.browse import filters
from catalogue.browse.filters import (
    CandidateFilterSet,
    candidate_filterset_class,
    compose_filterset,
    register_filterset,
)
from catalogue.browse.querying import catalogue_filterset
from catalogue.survey.models import Candidate
from tests.factories import ProjectFactory, TagFactory

RATING_FILTERS = ["rating_status", "my_label", "label", "tag", "consensus", "disputed"]


class ShortlistFilters(django_filters.FilterSet):
    """A stand-in contribution whose method records who asked."""

    shortlist = django_filters.CharFilter(method="filter_shortlist")
    shortlist_size = django_filters.NumberFilter(method="filter_shortlist")

    def filter_shortlist(self, queryset, name, value):
        self.asked_by = (self.user, name, value)
        return queryset


def test_the_catalogue_filterset_is_composed_once_with_the_rating_filters():
    composed = candidate_filterset_class()
    assert candidate_filterset_class() is composed is CandidateFilterSet
    names = list(composed.base_filters)
    after_cone = names.index("cone_target") + 1
    assert names[after_cone : after_cone + 7] == [*RATING_FILTERS, "best_beam"]
    assert type(catalogue_filterset(QueryDict(), None)) is composed
    first, second = composed(QueryDict()), composed(QueryDict())
    assert type(first.form) is type(second.form)
    assert list(first.form.fields) == names


def test_a_contribution_sits_before_the_beam_choice_and_sees_the_user():
    composed = compose_filterset([ShortlistFilters])
    names = list(composed.base_filters)
    assert names[names.index("cone_target") + 1 :][:3] == [
        "shortlist",
        "shortlist_size",
        "best_beam",
    ]
    viewer = object()
    filterset = composed(QueryDict("shortlist=x"), Candidate.objects.all(), user=viewer)
    filterset.filters["shortlist"].filter(filterset.queryset, "x")
    assert filterset.asked_by == (viewer, "shortlist", "x")


def test_a_contribution_may_not_reuse_a_parameter_name():
    class Clashing(django_filters.FilterSet):
        best_beam = django_filters.CharFilter()

    with pytest.raises(ImproperlyConfigured, match="best_beam"):
        compose_filterset([Clashing])
    with pytest.raises(ImproperlyConfigured, match="shortlist"):
        compose_filterset([ShortlistFilters, ShortlistFilters])


def test_a_contribution_after_composition_is_refused():
    candidate_filterset_class()
    before = list(filters._contributions)
    with pytest.raises(ImproperlyConfigured, match="AppConfig.ready"):
        register_filterset(ShortlistFilters)
    assert filters._contributions == before


@pytest.mark.django_db
def test_contributed_and_own_lists_are_forgotten_when_their_models_change(
    client, rater
):
    client.force_login(rater)
    url = reverse("catalogue:list")
    assert "Scintillating quasar" not in client.get(url).content.decode()
    tag = TagFactory(name="Scintillating quasar")
    project = ProjectFactory(slug="layertest", name="Layer test")
    page = client.get(url).content.decode()
    assert "Scintillating quasar" in page and 'value="layertest"' in page
    tag.delete()
    project.delete()
    page = client.get(url).content.decode()
    assert "Scintillating quasar" not in page and 'value="layertest"' not in page
