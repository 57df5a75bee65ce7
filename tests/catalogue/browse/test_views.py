"""The catalogue page: access, query count, counting, paging, column chooser."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from catalogue.browse import pagination
from catalogue.browse.models import CataloguePreference
from catalogue.browse.querying import filtered_candidates
from tests.catalogue.browse.listing_data import listed_ids
from tests.factories import BeamFactory, CandidateFactory

LIST_URL = "/catalogue/"


@pytest.fixture
def alice(client, catalogue):
    client.force_login(catalogue.users["alice"])
    return catalogue.users["alice"]


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_header_search_link_filters_by_name(client, alice, catalogue):
    response = client.get(f"{LIST_URL}?name=J2214")
    assert listed_ids(response) == [catalogue.by_name["J2214-4500"].pk]


def test_page_shows_count_units_tooltips_and_candidate_links(client, alice, catalogue):
    response = client.get(LIST_URL)
    html = response.content.decode()
    assert "10 candidates" in html
    assert "Peak (mJy)" in html
    assert 'title="Peak flux density in the peak map"' in html
    a1 = catalogue.by_name["A1"]
    assert f'href="{a1.get_absolute_url()}"' in html
    assert ">10.00<" in html  # A1 peak 0.010 Jy shown as 10.00 mJy


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=-peak_map&chi_square_sigma_min=1",
        "cone_ra=10&cone_dec=-30&cone_radius=1&cone_unit=arcmin",
        "rating_status=unrated_by_me&project=vast&consensus=true",
    ],
)
def test_query_count_is_pinned_and_independent_of_page_size(
    client, alice, catalogue, django_assert_max_num_queries, query
):
    beam = BeamFactory(observation=catalogue.observations["SB100"], index=7)
    # More rows than the largest page, so every page size fills its page (a
    # first page that is not full skips the count, see the next test).
    for number in range(210):
        CandidateFactory(beam=beam, name=f"X{number:03d}", peak_map=0.001 * number)
    client.get(f"{LIST_URL}?{query}")  # warm the column-bounds cache
    counts = []
    for per_page in (10, 50, 200):
        with django_assert_max_num_queries(16) as captured:
            response = client.get(f"{LIST_URL}?per_page={per_page}&{query}")
        assert response.status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1


def test_a_short_first_page_is_counted_without_a_count_query(
    client, alice, catalogue, django_assert_max_num_queries
):
    client.get(f"{LIST_URL}?per_page=50")  # warm the caches
    with django_assert_max_num_queries(16) as short:
        response = client.get(f"{LIST_URL}?per_page=50")
    assert "10 candidates" in response.content.decode()
    assert not any("COUNT(" in query["sql"] for query in short.captured_queries)

    with django_assert_max_num_queries(16) as full:
        response = client.get(f"{LIST_URL}?per_page=10")
    assert "10 candidates" in response.content.decode()
    # A full first page may have more rows: it is counted.
    assert any("COUNT(" in query["sql"] for query in full.captured_queries)


def test_pages_do_not_overlap_and_cover_everything(client, alice, catalogue):
    beam = BeamFactory(observation=catalogue.observations["SB100"], index=7)
    for number in range(25):
        CandidateFactory(beam=beam, name=f"X{number:03d}", chi_square_sigma=5.0)
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(
            f"{LIST_URL}?per_page=10&sort=chi_square_sigma&page={page}"
        )
        seen += listed_ids(response)
    assert len(seen) == len(set(seen)) == 35
    assert "Page 4 of 4" in response.content.decode()


def test_per_page_is_capped(client, alice, catalogue):
    beam = BeamFactory(observation=catalogue.observations["SB100"], index=7)
    for number in range(205):
        CandidateFactory(beam=beam, name=f"X{number:03d}")
    response = client.get(f"{LIST_URL}?per_page=100000")
    assert len(listed_ids(response)) == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner estimates are PostgreSQL's"
)
def test_large_results_show_an_estimated_count(client, alice, catalogue, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    # A full first page (10 of the 10 rows), so the count is asked for.
    html = client.get(f"{LIST_URL}?per_page=10").content.decode()
    assert "(estimated)" in html
    assert "≈" in html


def test_small_results_are_counted_exactly(client, alice, catalogue):
    html = client.get(f"{LIST_URL}?project=vast").content.decode()
    assert "6 candidates" in html
    assert "(estimated)" not in html


def test_column_choice_is_remembered_per_user(client, alice, catalogue):
    response = client.post(
        reverse("catalogue:columns"),
        {"columns": ["peak_map", "deep_name", "bogus"], "query": "project=vast"},
    )
    assert response.status_code == 302
    # The choice also travels in the URL (`columns`), in the posted order.
    columns = "columns=peak_map%2Cdeep_name"
    assert response["Location"] == f"{LIST_URL}?project=vast&{columns}"
    assert CataloguePreference.objects.get(user=alice).columns == [
        "peak_map",
        "deep_name",
    ]
    html = client.get(LIST_URL).content.decode()
    assert "Deep name" in html and "Peak (mJy)" in html
    assert "χ² σ" not in html.split("<tbody>")[0].split("<thead")[1]

    client.force_login(catalogue.users["bob"])
    assert "χ² σ" in client.get(LIST_URL).content.decode()


def test_column_chooser_never_redirects_off_site(client, alice, catalogue):
    response = client.post(
        reverse("catalogue:columns"),
        {"columns": ["ra"], "query": "//evil.example\r\nSet-Cookie: x=1"},
    )
    assert response["Location"].startswith(f"{LIST_URL}?")
    assert "\n" not in response["Location"]


def test_column_chooser_is_post_only_and_needs_login(client, catalogue):
    url = reverse("catalogue:columns")
    assert client.post(url, {"columns": ["ra"]})["Location"].startswith("/accounts")
    client.force_login(catalogue.users["bob"])
    assert client.get(url).status_code == 405


def test_filtered_candidates_is_the_catalogue_filter(catalogue):
    params = QueryDict("project=vast&sort=-chi_square_sigma")
    candidates, errors = filtered_candidates(params, catalogue.users["alice"])
    assert errors == {}
    names = [candidate.name for candidate in candidates]
    assert names == ["B1", "A1", "B3", "A3", "A2", "B2"]

    candidates, errors = filtered_candidates(
        QueryDict("cone_ra=1&cone_dec=95&cone_radius=1"), catalogue.users["alice"]
    )
    assert list(candidates) == []
    assert "Dec must be between" in errors["cone_dec"][0]

    candidates, errors = filtered_candidates(
        QueryDict("rating_status=unrated_by_me"), catalogue.users["alice"]
    )
    assert catalogue.by_name["A1"] not in candidates


def test_candidate_links_carry_the_filters_for_rate_and_next(client, alice, catalogue):
    response = client.get(f"{LIST_URL}?rating_status=unrated_by_me&sort=name&page=1")
    links = re.findall(r'href="/candidates/\d+/([^"]*)"', response.content.decode())
    # Filters and sort travel along, so Next walks this list in this order;
    # the page number does not.
    assert links and set(links) == {"?rating_status=unrated_by_me&amp;sort=name"}
