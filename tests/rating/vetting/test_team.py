"""The team block, the comment thread and the merged history of the candidate page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rating.models import Label, save_rating
from rating.policy import ProjectRatingSettings, TeamVisibility
from rating.team import CandidateComment, team_blocks
from tests.factories import CandidateFactory, TagFactory, UserFactory

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def candidate(db):
    return CandidateFactory()


@pytest.fixture
def colleagues(candidate):
    ada, ben = UserFactory(username="ada"), UserFactory(username="ben")
    save_rating(candidate, ada, Label.TRUE, tag=TagFactory(name="Flare"), notes=SCRIPT)
    save_rating(candidate, ben, Label.FALSE, notes="sidelobe, I think")
    CandidateComment.objects.create(
        candidate=candidate, user=ada, text="look at beam 3"
    )
    return ada, ben


def page(client, candidate, query=""):
    return client.get(reverse("rating:candidate", args=[candidate.pk]) + query)


def team_html(response):
    html = response.content.decode()
    return html[html.index('id="team"') : html.index('id="history"')]


def test_colleagues_votes_are_hidden_until_i_have_rated(
    rater_client, rater, candidate, colleagues
):
    before = page(rater_client, candidate)
    hidden = team_html(before)
    assert "data-team-hidden" in hidden and "2 ratings so far" in hidden
    assert "ada" not in hidden and "Flare" not in hidden and "Consensus" not in hidden
    assert "look at beam 3" not in before.content.decode()

    save_rating(candidate, rater, Label.TRUE)
    after = page(rater_client, candidate)
    shown = team_html(after)

    assert shown.count("data-team-rating") == 2  # colleagues only, not me
    assert "ada" in shown and "ben" in shown and "Flare" in shown
    assert "sidelobe, I think" in shown
    assert "Consensus" in shown and "3 ratings (target 3)" in shown
    assert "retired" in shown  # 2 of 3 true
    assert "look at beam 3" in after.content.decode()


def test_a_project_can_show_the_team_always(rater_client, candidate, colleagues):
    ProjectRatingSettings.objects.create(
        project=candidate.observation.project, team_visibility=TeamVisibility.ALWAYS
    )
    shown = team_html(page(rater_client, candidate))

    assert shown.count("data-team-rating") == 2
    assert "data-team-hidden" not in shown


def test_notes_and_comments_are_escaped(rater_client, rater, candidate, colleagues):
    save_rating(candidate, rater, Label.UNSURE)
    rater_client.post(reverse("rating:comment", args=[candidate.pk]), {"text": SCRIPT})
    html = page(rater_client, candidate).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_posting_a_comment_lists_it_in_the_history_with_my_changes(
    rater_client, rater, candidate
):
    save_rating(candidate, rater, Label.UNSURE, notes="first look")
    query = "?sort=-chi_square_sigma"
    response = rater_client.post(
        reverse("rating:comment", args=[candidate.pk]) + query,
        {"text": "  needs a second opinion  "},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(query + "#history")
    save_rating(candidate, rater, Label.TRUE, notes="clear flare")
    html = page(rater_client, candidate).content.decode()
    history = html[html.index('id="history"') :]
    assert (
        history.index("clear flare")
        < history.index("needs a second opinion")
        < history.index("first look")
    )
    comment = CandidateComment.objects.get()
    assert (comment.user, comment.text) == (rater, "needs a second opinion")


def test_an_empty_or_overlong_comment_is_refused_and_nothing_saved(
    rater_client, candidate
):
    url = reverse("rating:comment", args=[candidate.pk])
    empty = rater_client.post(url, {"text": "   "})
    long = rater_client.post(url, {"text": "x" * 5001})

    assert empty.status_code == long.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert "at most 5000 characters" in long.content.decode()
    assert not CandidateComment.objects.exists()


def test_comments_need_login_post_and_the_csrf_token(rater, candidate):
    url = reverse("rating:comment", args=[candidate.pk])
    assert Client().post(url, {"text": "hi"}).status_code == 302  # to login
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rater)
    assert strict.post(url, {"text": "hi"}).status_code == 403
    assert strict.get(url).status_code == 405
    assert not CandidateComment.objects.exists()


def test_team_blocks_cost_the_same_queries_for_one_or_many_candidates(rater):
    few = CandidateFactory.create_batch(2)
    many = CandidateFactory.create_batch(20)
    for candidate in many:
        save_rating(candidate, UserFactory(), Label.TRUE)
        save_rating(candidate, rater, Label.FALSE)

    team_blocks([few[0].pk], rater)  # the projects' rules come into the cache
    with CaptureQueriesContext(connection) as one:
        team_blocks([c.pk for c in few], rater)
    with CaptureQueriesContext(connection) as twenty:
        blocks = team_blocks([c.pk for c in many], rater)

    assert len(one) == len(twenty) == 2
    assert all(block.visible and len(block.ratings) == 1 for block in blocks.values())
    assert blocks[many[0].pk].consensus.label is None  # one true, one false


def test_candidate_page_queries_stay_pinned_with_a_busy_team(
    rater_client, rater, candidate, django_assert_num_queries
):
    save_rating(candidate, rater, Label.TRUE)
    page(rater_client, candidate)  # warm the session and the caches
    with CaptureQueriesContext(connection) as quiet:
        page(rater_client, candidate)
    for n in range(6):
        user = UserFactory()
        save_rating(candidate, user, Label.FALSE, tag=TagFactory(), notes=f"n{n}")
        CandidateComment.objects.create(candidate=candidate, user=user, text=f"c{n}")

    with django_assert_num_queries(len(quiet)) as busy:
        response = page(rater_client, candidate)

    # The team adds two queries: the candidate's ratings (with raters and
    # tags) and its comments (with their authors); the project's rules are
    # cached. On PostgreSQL the user's project access comes with the user's
    # own row, one query fewer.
    expected = 15 if connection.vendor == "postgresql" else 16
    assert len(busy) == expected, [q["sql"] for q in busy.captured_queries]
    assert team_html(response).count("data-team-rating") == 6


def test_the_queue_link_keeps_the_list_filters_and_starts_after_me(
    rater_client, candidate
):
    html = page(rater_client, candidate, "?project=vast&beam=3").content.decode()

    link = html[html.index('id="queue-link"') - 300 : html.index('id="queue-link"')]
    href = link[link.index('href="') + 6 :].split('"')[0].replace("&amp;", "&")
    assert href.startswith(reverse("rating:rate_next") + "?")
    for part in (
        "project=vast",
        "beam=3",
        "rating_status=needs_ratings",
        "sort=-chi_square_sigma",
        f"after={candidate.pk}",
    ):
        assert part in href
