"""The summary's progress figures follow the projects' rules."""

import pytest
from django.urls import reverse

from rating.models import Label, save_rating
from rating.policy import ProjectRatingSettings
from rating.summary.progress import rating_progress
from tests.factories import (
    CandidateFactory,
    MembershipFactory,
    ObservationFactory,
    UserFactory,
)


@pytest.fixture
def team(db):
    return [UserFactory(username=f"p{n}") for n in range(4)]


@pytest.fixture
def project_candidates(db):
    observation = ObservationFactory(project__slug="prog")
    return [CandidateFactory(beam__observation=observation) for _ in range(5)]


def rate(candidate, users, labels):
    for user, label in zip(users, labels):
        save_rating(candidate, user, label)


def test_progress_counts_target_retired_disputed_and_remaining(
    client, team, project_candidates
):
    a, b, c, d = project_candidates[:4]
    rate(a, team, [Label.TRUE, Label.TRUE, Label.FALSE])  # retired (2/3)
    rate(b, team, [Label.TRUE, Label.FALSE, Label.UNSURE])  # disputed
    rate(c, team, [Label.TRUE])  # started
    CandidateFactory(is_best_beam=False)  # every candidate counts

    progress = rating_progress({}, UserFactory())

    assert (progress.candidates, progress.rated) == (6, 3)
    assert (progress.at_target, progress.retired, progress.disputed) == (2, 1, 1)
    assert (progress.in_progress, progress.remaining) == (1, 4)

    client.force_login(team[0])
    html = client.get(reverse("ratings:summary")).content.decode()
    section = html[html.index('id="progress"') :]
    assert 'data-progress="retired">1<' in section
    assert 'data-progress="disputed">1<' in section
    assert 'data-progress="remaining">4<' in section
    assert "rating_status=needs_ratings" in section


def test_a_project_target_changes_the_figures_at_once(team, project_candidates):
    rate(project_candidates[0], team[:2], [Label.TRUE, Label.TRUE])
    assert rating_progress({}, UserFactory()).at_target == 0

    project = project_candidates[0].observation.project
    ProjectRatingSettings.objects.create(project=project, target_raters=2)

    progress = rating_progress({"project": project}, UserFactory())
    assert (progress.at_target, progress.retired, progress.candidates) == (1, 1, 5)


def test_new_candidates_are_counted_after_an_ingest_signal(project_candidates):
    from catalogue.survey.signals import candidates_changed

    assert rating_progress({}, UserFactory()).candidates == 5
    CandidateFactory()
    candidates_changed.send(sender=None)

    assert rating_progress({}, UserFactory()).candidates == 6


def test_a_restricted_project_is_left_out_for_non_members(project_candidates, team):
    hidden = CandidateFactory()
    hidden.observation.project.is_restricted = True
    hidden.observation.project.save()
    for user, label in zip(team, [Label.TRUE] * 3):
        save_rating(hidden, user, label)
    member = UserFactory()
    MembershipFactory(project=hidden.observation.project, user=member, role="viewer")

    outsider = rating_progress({}, UserFactory())
    insider = rating_progress({}, member)

    assert insider.candidates == outsider.candidates + 1
    assert insider.retired == outsider.retired + 1
