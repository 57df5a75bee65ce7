"""The project's rating rule: target raters, retirement, the "needs ratings" queue."""

import pytest
from django.http import QueryDict

from catalogue.browse.querying import filtered_candidates
from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from rating.policy import (
    ProjectRatingSettings,
    TeamVisibility,
    annotated_counts,
    needs_ratings,
    queue_params,
    retired_q,
    settings_for,
)
from rating.team import team_blocks
from rating.vetting.navigation import next_unrated_id
from tests.factories import CandidateFactory, ObservationFactory, UserFactory


@pytest.fixture
def raters(db):
    return [UserFactory(username=f"r{n}") for n in range(5)]


@pytest.fixture
def sky(db):
    """Six candidates of one observation, chi-square sigma 10 (first) … 5."""
    observation = ObservationFactory(project__slug="queue")
    return [
        CandidateFactory(beam__observation=observation, chi_square_sigma=10.0 - n)
        for n in range(6)
    ]


def rate(candidate, users, labels):
    for user, label in zip(users, labels):
        save_rating(candidate, user, label)


def queue_ids(user, params="best_beam=off"):
    queue = queue_params(QueryDict(params))
    candidates, errors = filtered_candidates(queue, user)
    assert not errors
    return list(candidates.values_list("id", flat=True))


def test_settings_are_created_lazily_with_the_defaults(sky):
    project = sky[0].observation.project
    assert not ProjectRatingSettings.objects.exists()

    found = settings_for(project)

    assert (found.target_raters, found.team_visibility) == (3, "after_rating")
    assert found.majority_fraction == pytest.approx(2 / 3)
    assert found.majority_text == "2/3"
    assert settings_for(project).pk == found.pk


def test_queue_serves_below_target_not_mine_most_significant_first(sky, raters):
    me, *others = raters
    rate(sky[0], others[:3], [Label.TRUE] * 3)  # at target: left the queue
    rate(sky[1], others[:2], [Label.TRUE] * 2)  # two of three: still queued
    rate(sky[2], [me], [Label.FALSE])  # mine: not served to me

    assert queue_ids(me) == [sky[1].pk, sky[3].pk, sky[4].pk, sky[5].pk]
    # Another rater still gets the one I rated.
    assert sky[2].pk in queue_ids(others[3])


def test_the_target_th_rating_takes_a_candidate_out_of_the_queue(sky, raters):
    me, a, b, c = raters[:4]
    rate(sky[0], [a, b], [Label.TRUE, Label.FALSE])
    assert sky[0].pk in queue_ids(me)

    save_rating(sky[0], c, Label.TRUE)  # 2 of 3 agree: retired

    assert sky[0].pk not in queue_ids(me)
    retired = (
        annotated_counts().filter(retired_q()).values_list("candidate_id", flat=True)
    )
    assert list(retired) == [sky[0].pk]


def test_a_tie_at_target_is_disputed_not_retired(sky, raters):
    rate(sky[0], raters[:3], [Label.TRUE, Label.FALSE, Label.UNSURE])
    counts = annotated_counts()

    assert not counts.filter(retired_q()).exists()
    assert sky[0].pk not in queue_ids(raters[4])  # at target: not served
    block = team_blocks([sky[0].pk], raters[0])[sky[0].pk]
    assert block.consensus.disputed and not block.consensus.retired


def test_a_project_target_and_majority_apply_to_its_candidates_only(sky, raters):
    other = CandidateFactory(chi_square_sigma=20.0)  # another project, defaults
    ProjectRatingSettings.objects.create(
        project=sky[0].observation.project, target_raters=1, majority_fraction=1.0
    )
    rate(sky[0], raters[1:2], [Label.TRUE])
    rate(other, raters[1:2], [Label.TRUE])

    assert queue_ids(raters[0]) == [other.pk] + [c.pk for c in sky[1:]]
    retired = (
        annotated_counts().filter(retired_q()).values_list("candidate_id", flat=True)
    )
    assert list(retired) == [sky[0].pk]


def test_rate_and_next_walks_the_queue_and_says_when_it_is_empty(sky, raters):
    me = raters[0]
    params = queue_params(QueryDict("best_beam=off"))
    rate(sky[1], raters[1:4], [Label.TRUE] * 3)

    assert next_unrated_id(params, me) == sky[0].pk
    save_rating(sky[0], me, Label.TRUE)
    assert next_unrated_id(params, me, sky[0].pk) == sky[2].pk
    for candidate in sky[2:]:
        save_rating(candidate, me, Label.FALSE)
    assert next_unrated_id(params, me, sky[5].pk) is None


def test_queue_function_keeps_the_callers_order(sky, raters):
    ordered = Candidate.objects.order_by("chi_square_sigma")
    rate(sky[5], raters[1:4], [Label.TRUE] * 3)

    ids = list(needs_ratings(ordered, raters[0]).values_list("id", flat=True))

    assert ids == [c.pk for c in reversed(sky[:5])]


def test_queue_sort_follows_a_chosen_sort(sky, raters):
    assert queue_ids(raters[0], "best_beam=off&sort=chi_square_sigma") == [
        c.pk for c in reversed(sky)
    ]


def test_visibility_setting_choices():
    assert set(TeamVisibility.values) == {"after_rating", "always"}
