"""Previous / Next / Rate & next walk the catalogue list in its own order.

For every sortable column, in both directions, walking the list one step at
a time from its first row must meet exactly the rows the catalogue lists,
in the catalogue's order: NULLs last, ties broken by id, and nearest first
for a cone search.
"""

import random

import pytest
from django.http import QueryDict
from django.urls import reverse

from catalogue.browse.querying import SORT_PATHS, filtered_candidates
from catalogue.survey.columns import FINAL_CSV_COLUMNS
from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from rating.vetting.navigation import Listing, neighbour_id, next_unrated_id
from tests.factories import BeamFactory, CandidateFactory, ObservationFactory

N_CANDIDATES = 14


def _value(column, rng, field):
    """A value from a small pool, so ties are common; NULL where allowed."""
    if field.null and rng.random() < 0.25:
        return None
    if column.kind == "int":
        return rng.choice([1, 2, 3])
    if column.kind == "float":
        return rng.choice([-1.5, 0.25, 0.25, 7.0])
    return rng.choice(["a", "b", "b", "c"])


@pytest.fixture
def varied(db):
    """Candidates over two observations and beams with tied and NULL values."""
    rng = random.Random(20261201)
    beams = [
        BeamFactory(observation=ObservationFactory(sbid=f"SB{sbid}"), index=index)
        for sbid, index in ((900002, 4), (900001, 7), (900001, 2))
    ]
    candidates = []
    for _ in range(N_CANDIDATES):
        candidate = CandidateFactory(beam=rng.choice(beams))
        for column in FINAL_CSV_COLUMNS:
            if column.name in {"name", "ra", "dec"}:
                continue
            field = Candidate._meta.get_field(column.name)
            setattr(candidate, column.name, _value(column, rng, field))
        candidate.ra = 333.6 + rng.uniform(-0.01, 0.01)
        candidate.dec = -45.2 + rng.uniform(-0.01, 0.01)
        candidate.save()
        candidates.append(candidate)
    return candidates


def _listed(params, user):
    candidates, errors = filtered_candidates(params, user)
    assert not errors
    return list(candidates.values_list("id", flat=True))


def _walk(params, user, start, direction):
    ids = [start]
    while (step := neighbour_id(params, user, ids[-1], direction)) is not None:
        ids.append(step)
        assert len(ids) <= N_CANDIDATES, "the walk went round in a circle"
    return ids


SORTS = sorted(SORT_PATHS) + [f"-{key}" for key in sorted(SORT_PATHS)]


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_meet_the_list_in_order(varied, rater, sort):
    params = QueryDict(f"sort={sort}&best_beam=off")
    listed = _listed(params, rater)
    assert len(listed) == N_CANDIDATES

    assert _walk(params, rater, listed[0], "next") == listed
    assert _walk(params, rater, listed[-1], "previous") == listed[::-1]


@pytest.mark.parametrize("sort", ["", "separation_arcsec", "-separation_arcsec"])
def test_a_cone_search_is_walked_nearest_first(varied, rater, sort):
    params = QueryDict(
        f"cone_ra=333.6&cone_dec=-45.2&cone_radius=2&cone_unit=arcmin"
        f"&best_beam=off&sort={sort}"
    )
    listed = _listed(params, rater)
    assert len(listed) == N_CANDIDATES

    assert _walk(params, rater, listed[0], "next") == listed
    assert _walk(params, rater, listed[-1], "previous") == listed[::-1]


def test_rate_and_next_serves_my_unrated_in_list_order_and_wraps(varied, rater):
    params = QueryDict("sort=-chi_square_sigma&best_beam=off")
    listed = _listed(params, rater)
    for candidate_id in listed[2:5]:
        save_rating(Candidate.objects.get(pk=candidate_id), rater, Label.TRUE)
    unrated = [pk for pk in listed if pk not in listed[2:5]]

    assert next_unrated_id(params, rater, listed[1]) == listed[5]
    assert next_unrated_id(params, rater, listed[-1]) == unrated[0]  # wraps
    assert next_unrated_id(params, rater) == unrated[0]


def test_rate_and_next_continues_after_a_row_that_left_the_list(varied, rater):
    """With "unrated by me", the row just rated has left the list."""
    params = QueryDict("sort=peak_map&best_beam=off&rating_status=unrated_by_me")
    listed = _listed(params, rater)
    save_rating(Candidate.objects.get(pk=listed[3]), rater, Label.FALSE)

    assert next_unrated_id(params, rater, listed[3]) == listed[4]


def test_pressing_n_walks_a_significance_sorted_list(rater_client, rater, varied):
    """A rater sorting by chi-square sigma, highest first, meets the list order."""
    query = "?sort=-chi_square_sigma&best_beam=off"
    listed = _listed(QueryDict(query[1:]), rater)
    seen = [listed[0]]
    for _ in range(len(listed) - 1):
        url = reverse("rating:neighbour", args=[seen[-1], "next"]) + query
        location = rater_client.get(url)["Location"]
        assert location.endswith(query)
        seen.append(int(location.split("/")[2]))

    assert seen == listed


@pytest.mark.parametrize("sort", ["-chi_square_sigma", "peak_map", "beam", "-id"])
def test_position_counts_the_rows_before_in_the_list_order(varied, rater, sort):
    params = QueryDict(f"sort={sort}&best_beam=off")
    listed = _listed(params, rater)
    listing = Listing(params, rater)

    for number, candidate_id in enumerate(listed, start=1):
        position = listing.position(candidate_id)
        assert (position.number, position.total) == (number, len(listed))
        assert not position.estimated
    assert listing.position(listed[12]).page(per_page=10) == 2


def test_position_of_a_candidate_outside_the_list_is_none(varied, rater):
    params = QueryDict("rating_status=rated_by_me")
    assert Listing(params, rater).position(varied[0].pk) is None


def test_candidate_page_says_where_it_stands_and_links_back(
    rater_client, rater, varied
):
    query = "sort=-chi_square_sigma&best_beam=off&per_page=10"
    listed = _listed(QueryDict(query), rater)
    candidate_url = reverse("rating:candidate", args=[listed[11]])
    page = rater_client.get(f"{candidate_url}?{query}").content.decode()
    position_url = reverse("rating:list_position", args=[listed[11]])

    # Without JavaScript "back to list" opens the same list; the script
    # fetches the position, says "12 of N" and points the link at page 2.
    back = reverse("catalogue:list") + "?" + query.replace("&", "&amp;")
    assert f'href="{back}" id="back-to-list"' in page
    assert f'data-position-url="{position_url}?{query.replace("&", "&amp;")}"' in page
    answer = rater_client.get(f"{position_url}?{query}").json()
    assert answer == {
        "in_list": True,
        "number": 12,
        "total": len(listed),
        "estimated": False,
        "list_url": reverse("catalogue:list") + f"?{query}&page=2",
    }
    assert page.count('target="_blank" rel="noopener noreferrer"') == 5
    assert "https://simbad.cds.unistra.fr/simbad/sim-coo?Coord=" in page


def test_position_of_a_candidate_outside_its_list_says_so(rater_client, varied):
    url = reverse("rating:list_position", args=[varied[0].pk])
    answer = rater_client.get(url + "?rating_status=rated_by_me").json()
    assert answer["in_list"] is False
    assert (
        answer["list_url"] == reverse("catalogue:list") + "?rating_status=rated_by_me"
    )


def test_a_rating_filtered_position_is_counted_from_its_bound_not_estimated(
    varied, rater, monkeypatch
):
    """The planner cannot estimate the rating filters: a list they bound to a
    few rows is counted exactly, however low the estimate threshold."""
    monkeypatch.setattr("rating.vetting.navigation.EXACT_COUNT_LIMIT", 1)
    for candidate in varied[:3]:
        save_rating(candidate, rater, Label.TRUE)
    params = QueryDict("rating_status=rated_by_me&best_beam=off&sort=-id")
    listing = Listing(params, rater)
    assert listing.count_at_most == 3

    position = listing.position(varied[0].pk)

    assert (position.number, position.total, position.estimated) == (3, 3, False)
