"""Every catalogue filter and sort through `/catalogue/?...` (SQLite and PostgreSQL)."""

import pytest
from django.urls import reverse

from catalogue.browse.querying import SORT_PATHS
from catalogue.survey.models import Candidate
from tests.catalogue.browse.listing_data import listed_ids

BEST = {"A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", "J2214-4500"}


def get_listed(client, user, query):
    client.force_login(user)
    response = client.get(f"{reverse('catalogue:list')}?per_page=200&{query}")
    assert response.status_code == 200
    return response, listed_ids(response)


FILTER_CASES = [
    ("", BEST),
    ("best_beam=off", BEST | {"A4", "J2215-4501"}),
    ("best_beam=on", BEST),
    ("project=vast", {"A1", "A2", "A3", "B1", "B2", "B3"}),
    ("project=racs", {"C1", "C2", "C3", "J2214-4500"}),
    ("observation=SB200", {"B1", "B2", "B3"}),
    ("observation=sb200", {"B1", "B2", "B3"}),
    ("project=racs&observation=SB200", set()),
    ("beam=1", {"A3"}),
    ("beam=1&best_beam=off", {"A3", "A4"}),
    ("deep_num=2", {"A3", "C2"}),
    ("name=j22", {"J2214-4500"}),
    ("name=J22&best_beam=off", {"J2214-4500", "J2215-4501"}),
    ("chi_square_sigma_min=7", {"A1", "B1", "C2", "J2214-4500"}),
    ("chi_square_sigma_min=5&chi_square_sigma_max=8", {"A1", "A3", "B3", "J2214-4500"}),
    ("peak_map_max=3", {"A2", "B2", "B3"}),  # mJy
    ("md_deep_min=0", {"A1", "A3", "B1", "B3", "C1", "C3", "J2214-4500"}),
    ("md_deep_max=0.35&deep_num_min=1", {"A3", "B1", "C1"}),
    ("rating_status=rated", {"A1", "A2"}),
    ("rating_status=unrated", BEST - {"A1", "A2"}),
    ("rating_status=rated_by_me", {"A1", "A2"}),
    ("rating_status=unrated_by_me", BEST - {"A1", "A2"}),
    ("my_label=true", {"A1"}),
    ("my_label=false", {"A2"}),
    ("label=unsure", {"A2"}),
    ("label=true", {"A1", "A2"}),
    ("consensus=true", {"A1"}),
    ("consensus=false", set()),
    ("disputed=true", {"A2"}),
    ("disputed=false", BEST - {"A2"}),
    # Cone searches: 1 arcmin holds A1 and A2 (31 arcsec apart), 20 arcsec only A1.
    ("cone_ra=10&cone_dec=-30&cone_radius=1&cone_unit=arcmin", {"A1", "A2"}),
    ("cone_ra=10&cone_dec=-30&cone_radius=20", {"A1"}),
    ("cone_ra=10&cone_dec=-30&cone_radius=0.006&cone_unit=deg", {"A1"}),
    # Across RA 0/360: A3 at RA 359.999, A4 (not best beam) at RA 0.001.
    ("cone_ra=0&cone_dec=0&cone_radius=10", {"A3"}),
    ("cone_ra=0&cone_dec=0&cone_radius=10&best_beam=off", {"A3", "A4"}),
    ("cone_ra=359.9995&cone_dec=0&cone_radius=6&best_beam=off", {"A3", "A4"}),
    # Around the poles every RA qualifies.
    ("cone_ra=0&cone_dec=90&cone_radius=1&cone_unit=arcmin", {"B2", "B3"}),
    ("cone_ra=90&cone_dec=-89.99&cone_radius=1&cone_unit=arcmin", {"C1", "C2"}),
    # Sexagesimal: 22h14m24s = 333.6 deg.
    (
        "cone_ra=22:14:24&cone_dec=-45:00:00&cone_radius=1&cone_unit=arcmin",
        {"J2214-4500"},
    ),
    ("cone_ra=22h14m24s&cone_dec=-45d00m00s&cone_radius=60", {"J2214-4500"}),
    # Other positions: the beam centre sits at (ra + 0.1, dec - 0.1).
    ("cone_ra=10.1&cone_dec=-30.1&cone_radius=5&cone_target=beam", {"A1"}),
    ("cone_ra=10&cone_dec=-30&cone_radius=5&cone_target=deep", {"A1"}),
    ("cone_ra=10.01&cone_dec=-30&cone_radius=5&cone_target=deep", set()),
]


@pytest.mark.parametrize("query,expected", FILTER_CASES)
def test_each_filter_through_the_url(client, catalogue, query, expected):
    _, ids = get_listed(client, catalogue.users["alice"], query)
    assert set(ids) == catalogue.ids(*expected)
    assert len(ids) == len(set(ids))


def test_filters_that_depend_on_who_asks(client, catalogue):
    carol = catalogue.users["carol"]
    assert set(get_listed(client, carol, "rating_status=rated_by_me")[1]) == (
        catalogue.ids("A2")
    )
    assert set(get_listed(client, carol, "my_label=unsure")[1]) == catalogue.ids("A2")
    assert get_listed(client, carol, "my_label=true")[1] == []


def test_tag_filter(client, catalogue):
    flare = catalogue.tags["Flare"]
    _, ids = get_listed(client, catalogue.users["alice"], f"tag={flare.pk}")
    assert set(ids) == catalogue.ids("A1")


def test_observation_by_id(client, catalogue):
    observation = catalogue.observations["SB100"]
    _, ids = get_listed(
        client, catalogue.users["alice"], f"observation={observation.pk}"
    )
    assert set(ids) == catalogue.ids("A1", "A2", "A3")


def test_cone_search_adds_separation_column_sorted_nearest_first(client, catalogue):
    response, ids = get_listed(
        client,
        catalogue.users["alice"],
        "cone_ra=10&cone_dec=-30&cone_radius=1&cone_unit=arcmin",
    )
    assert ids == [catalogue.by_name["A1"].pk, catalogue.by_name["A2"].pk]
    html = response.content.decode()
    assert "Separation (arcsec)" in html
    assert "31.18" in html  # A2: 0.01 deg × cos(30 deg) = 31.18 arcsec


BAD_QUERIES = [
    ("cone_ra=10&cone_dec=95&cone_radius=5", "Dec must be between"),
    ("cone_ra=10&cone_dec=-95.5&cone_radius=5", "Dec must be between"),
    ("cone_ra=12:xx:00&cone_dec=10&cone_radius=5", "Could not read"),
    ("cone_ra=10&cone_dec=ab:cd&cone_radius=5", "Could not read"),
    ("cone_ra=10&cone_dec=10&cone_radius=-1", "radius must be positive"),
    ("cone_ra=10&cone_dec=10&cone_radius=0", "radius must be positive"),
    ("cone_ra=10&cone_dec=10&cone_radius=11&cone_unit=deg", "at most 10 deg"),
    ("cone_ra=10&cone_radius=5", "needs RA, Dec and a radius"),
    ("cone_ra=10&cone_dec=10&cone_radius=5&cone_unit=furlong", "valid choice"),
    ("chi_square_sigma_min=5&chi_square_sigma_max=2", "must not be below"),
    ("peak_map_min=abc", "Enter a number"),
    ("peak_map_min=inf", "Enter a number"),
    ("project=no-such-project", "valid choice"),
    ("rating_status=sometimes", "valid choice"),
    ("best_beam=maybe", "valid choice"),
]


@pytest.mark.parametrize("query,message", BAD_QUERIES)
def test_bad_filter_values_give_form_errors_and_no_rows(
    client, catalogue, query, message
):
    response, ids = get_listed(client, catalogue.users["alice"], query)
    html = response.content.decode()
    assert message in html
    assert "Some filters could not be used" in html
    assert ids == []


def _expected_order(key, descending, best_only=True):
    candidates = Candidate.objects.select_related("beam", "observation__project")
    if best_only:
        candidates = candidates.filter(is_best_beam=True)

    def value(candidate):
        if key == "project":
            return candidate.observation.project.slug
        if key == "observation":
            return candidate.observation.sbid
        if key == "beam":
            return candidate.beam.index
        if key == "id":
            return candidate.pk
        return getattr(candidate, key)

    rows = [(value(candidate), candidate.pk) for candidate in candidates]
    present = sorted((row for row in rows if row[0] is not None), reverse=descending)
    missing = sorted((row for row in rows if row[0] is None), reverse=descending)
    return [pk for _, pk in present + missing]  # NULLs last in both directions


SORTABLE = sorted(set(SORT_PATHS) - {"id"})


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("key", SORTABLE)
def test_every_column_sorts_stably_with_nulls_last(client, catalogue, key, descending):
    sort = f"-{key}" if descending else key
    _, ids = get_listed(client, catalogue.users["alice"], f"sort={sort}")
    assert ids == _expected_order(key, descending)


def test_sort_is_stable_across_pages(client, catalogue):
    client.force_login(catalogue.users["alice"])
    url = reverse("catalogue:list")
    seen = []
    for page in (1, 2):
        response = client.get(
            f"{url}?best_beam=off&sort=-chi_square_sigma&per_page=10&page={page}"
        )
        seen += listed_ids(response)
    assert seen == _expected_order("chi_square_sigma", True, best_only=False)


def test_default_order_is_newest_first(client, catalogue):
    _, ids = get_listed(client, catalogue.users["alice"], "")
    assert ids == sorted(ids, reverse=True)


def test_unknown_sort_falls_back_to_default(client, catalogue):
    _, ids = get_listed(client, catalogue.users["alice"], "sort=-password")
    assert ids == sorted(ids, reverse=True)
