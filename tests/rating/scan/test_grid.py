"""The scanning grid `/catalogue/scan/`: cards of the catalogue list in its
order, keyset "load more", no-JavaScript labelling and the query count."""

import pytest
from django.urls import reverse

from catalogue.browse.querying import filtered_candidates
from catalogue.survey.models import Candidate
from rating.models import Label, Rating, RatingHistory, save_rating
from rating.scan.grid import sparkline_points
from tests.factories import BeamFactory, CandidateFactory, UserFactory


def grid_url(query=""):
    return reverse("scan:grid") + query


def card_ids(response):
    return [card.candidate.pk for card in response.context["page"].cards]


@pytest.fixture
def many(db):
    """60 best-beam candidates with distinct χ² σ (so sorts are stable)."""
    beam = BeamFactory()
    return [
        CandidateFactory(beam=beam, chi_square_sigma=float((i * 37) % 60))
        for i in range(60)
    ]


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(grid_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_cards_follow_the_catalogue_sort_and_load_more_seeks_on(rater_client, many):
    query = "?sort=-chi_square_sigma"
    first = rater_client.get(grid_url(query))
    assert first.status_code == 200
    page = first.context["page"]
    assert len(page.cards) == 48
    expected = list(
        filtered_candidates(first.wsgi_request.GET.copy(), first.wsgi_request.user)[
            0
        ].values_list("id", flat=True)
    )
    assert card_ids(first) == expected[:48]

    more = rater_client.get(reverse("scan:cards") + f"{query}&after={page.next_after}")
    assert more.status_code == 200
    assert more["X-Next-After"] == ""
    body = more.content.decode()
    for pk in expected[48:]:
        assert f'id="card-{pk}"' in body
    assert f'id="card-{expected[47]}"' not in body


def test_load_more_keeps_its_place_when_a_card_leaves_the_list(
    rater_client, rater, many
):
    """Rated cards leave an "unrated by me" list; the next page still starts
    right after the last card shown (a seek, not an OFFSET that would skip)."""
    query = "?rating_status=unrated_by_me&sort=chi_square_sigma"
    first = rater_client.get(grid_url(query))
    shown = card_ids(first)
    for pk in shown[:10]:
        save_rating(Candidate.objects.get(pk=pk), rater, Label.FALSE)
    more = rater_client.get(grid_url(f"{query}&after={shown[-1]}"))
    listed = list(
        Candidate.objects.order_by("chi_square_sigma", "id").values_list(
            "id", flat=True
        )
    )
    assert card_ids(more) == listed[48:]


def test_a_card_shows_my_label_the_ratings_count_and_the_consensus(
    rater_client, rater, many
):
    other, third = UserFactory(), UserFactory()
    target = many[0]
    save_rating(target, rater, Label.TRUE)
    save_rating(target, other, Label.TRUE)
    save_rating(target, third, Label.FALSE)
    response = rater_client.get(grid_url("?sort=id"))
    card = response.context["page"].cards[0]
    assert card.candidate == target
    assert (card.my_label, card.n_ratings, card.consensus) == ("true", 3, "true")
    html = response.content.decode()
    assert "3 ratings · consensus" in html
    assert f'href="{reverse("rating:candidate", args=[target.pk])}?sort=id"' in html


def test_the_table_links_to_the_grid_with_the_same_query(rater_client, many):
    response = rater_client.get(reverse("catalogue:list") + "?sort=-chi_square_sigma")
    assert f'href="{grid_url("?sort=-chi_square_sigma")}"' in response.content.decode()
    grid = rater_client.get(grid_url("?sort=-chi_square_sigma"))
    assert (
        f'href="{reverse("catalogue:list")}?sort=-chi_square_sigma"'
        in grid.content.decode()
    )


def test_labelling_without_javascript_saves_and_returns_to_the_same_place(
    rater_client, rater, many
):
    target = many[5]
    query = f"?sort=id&after={many[2].pk}"
    response = rater_client.post(
        reverse("scan:rate") + query, {"candidate": target.pk, "label": "unsure"}
    )
    assert response.status_code == 302
    assert response["Location"] == grid_url(query) + f"#card-{target.pk}"
    rating = Rating.objects.get(user=rater, candidate=target)
    assert rating.label == "unsure"
    assert RatingHistory.objects.filter(rating=rating).count() == 1

    undo = rater_client.post(reverse("scan:undo") + query)
    assert undo.status_code == 302
    assert not Rating.objects.filter(user=rater).exists()
    assert not RatingHistory.objects.exists()


@pytest.mark.parametrize(
    "data", [{"candidate": "", "label": "true"}, {"candidate": "1", "label": "maybe"}]
)
def test_bad_no_javascript_labels_change_nothing(rater_client, many, data):
    response = rater_client.post(reverse("scan:rate"), data, follow=True)
    assert response.status_code == 200
    assert not Rating.objects.exists()
    assert list(response.context["messages"])


def test_the_grid_page_costs_the_same_queries_for_any_number_of_cards(
    rater_client, rater, many, django_assert_max_num_queries
):
    for candidate in many[:30]:
        save_rating(candidate, rater, Label.TRUE)
    rater_client.get(grid_url())  # the cached reference lists (tag keys) fill
    # session, user; the cards with my rating and their previews (first page:
    # one query); the team's label counts; the page header's five (site, menu
    # pages, permissions).
    with django_assert_max_num_queries(9):
        response = rater_client.get(grid_url("?sort=-chi_square_sigma"))
    assert len(response.context["page"].cards) == 48
    # Further on: the sort key of the card to follow, and up to three seek steps.
    with django_assert_max_num_queries(12):
        response = rater_client.get(
            grid_url(f"?sort=-chi_square_sigma&after={many[3].pk}")
        )
    assert response.context["page"].cards
    with django_assert_max_num_queries(9):
        response = rater_client.get(
            grid_url("?sort=-chi_square_sigma&name=no-such-candidate")
        )
    assert not response.context["page"].cards


def test_sparkline_scales_the_light_curve_into_its_box():
    class Lightcurve:
        times_mjd = [3.0, 1.0, 2.0, float("nan")]
        peak_flux_jy = [0.002, 0.001, 0.003, 0.004]

    assert sparkline_points(Lightcurve()) == "2.0,34.0 80.0,2.0 158.0,18.0"
    assert sparkline_points(None) == ""


def test_a_cone_search_is_scanned_nearest_first_across_pages(rater_client, db):
    beam = BeamFactory()
    # 50 candidates 1–50 arcsec north of the cone centre, made in shuffled order.
    offsets = [(i * 17) % 50 + 1 for i in range(50)]
    made = {
        offset: CandidateFactory(beam=beam, ra=333.6, dec=-45.2 + offset / 3600)
        for offset in offsets
    }
    query = "?cone_ra=333.6&cone_dec=-45.2&cone_radius=1&cone_unit=arcmin"
    first = rater_client.get(grid_url(query))
    nearest = [made[offset].pk for offset in sorted(made)]
    assert card_ids(first) == nearest[:48]
    assert first.context["page"].cards[0].statistics[-1] == ("sep.", "1", "arcsec")
    after = first.context["page"].next_after
    more = rater_client.get(grid_url(f"{query}&after={after}"))
    assert card_ids(more) == nearest[48:]
