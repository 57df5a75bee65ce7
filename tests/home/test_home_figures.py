"""The home page's live figures for the logged-in user and its quick links."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rating.models import save_rating
from tests.factories import CandidateFactory, ObservationFactory, ProjectFactory


def figure(html, label):
    """The number shown above `label` in the figures strip."""
    match = re.search(
        r'figure__value">([^<]+)</span>\s*<span class="figure__label">' + label, html
    )
    return match.group(1) if match else None


@pytest.mark.django_db
def test_home_page_counts_candidates_unrated_and_my_ratings(
    client, rater, editor, home
):
    candidates = [CandidateFactory() for _ in range(5)]
    CandidateFactory(is_best_beam=False)  # not in the catalogue
    save_rating(candidates[0], rater, "true")
    save_rating(candidates[1], rater, "false")
    save_rating(candidates[1], rater, "unsure")  # a change, still one rating
    save_rating(candidates[2], editor, "true")  # someone else's
    client.force_login(rater)

    html = client.get("/").content.decode()

    assert figure(html, "candidates") == "5"
    assert figure(html, "not rated by you") == "3"
    assert figure(html, "your ratings") == "2"


@pytest.mark.django_db
def test_home_page_shows_the_latest_observation(client, rater, home):
    project = ProjectFactory(slug="vast")
    ObservationFactory(project=project, sbid="SB100", start_time=timezone.now())
    ObservationFactory(project=project, sbid="SB099", start_time=None)
    ObservationFactory(
        project=project,
        sbid="SB050",
        start_time=timezone.now() - timezone.timedelta(days=30),
    )
    client.force_login(rater)

    html = client.get("/").content.decode()

    assert figure(html, "latest observation") == "SB100"


@pytest.mark.django_db
def test_home_page_figures_take_a_constant_number_of_queries(
    client, rater, home, django_assert_max_num_queries
):
    for candidate in [CandidateFactory() for _ in range(3)]:
        save_rating(candidate, rater, "true")
    client.force_login(rater)
    client.get("/")  # warm Wagtail's site cache

    # Wagtail routing 4, session and user 2, figures 3, menu 1, permissions 2,
    # the team's shared queries 1.
    with django_assert_max_num_queries(13) as few:
        client.get("/")
    for candidate in [CandidateFactory() for _ in range(20)]:
        save_rating(candidate, rater, "false")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_home_page_quick_links(client, rater, home):
    client.force_login(rater)

    html = client.get("/").content.decode()

    assert 'href="/catalogue/"' in html
    assert f'href="{reverse("rating:rate_next")}"' in html
    queue = "?rating_status=needs_ratings&amp;sort=-chi_square_sigma"
    assert f'href="{reverse("rating:rate_next")}{queue}"' in html


@pytest.mark.django_db
def test_anonymous_home_page_has_no_candidate_figures(client, home):
    CandidateFactory()
    html = client.get("/").content.decode()
    assert "figure__value" not in html and "Log in to browse candidates" in html
