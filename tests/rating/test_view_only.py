"""A viewer sees no rating controls: no rating form, Rate & next, comment
box, tag creation or grid labelling buttons, but one line saying why; a
rater of the same project sees them all. Posting stays refused (403)."""

import pytest
from django.urls import reverse

from catalogue.access.models import Role
from rating.models import Rating
from rating.team import CandidateComment
from tests.factories import CandidateFactory, MembershipFactory, UserFactory

VIEW_ONLY = "You have view access to this project; ask a project admin to rate."
RATING_CONTROLS = (
    'id="rating-form"',
    "Rate &amp; next",
    "data-comment-form",
    "data-tag-create",
)


@pytest.fixture
def candidate(db):
    candidate = CandidateFactory()
    project = candidate.observation.project
    project.is_restricted = True
    project.save()
    return candidate


def logged_in(client, candidate, role):
    user = UserFactory()
    MembershipFactory(project=candidate.observation.project, user=user, role=role)
    client.force_login(user)
    return client


@pytest.mark.parametrize("restricted", [True, False], ids=["restricted", "open"])
def test_viewer_candidate_page_has_no_rating_controls(client, candidate, restricted):
    candidate.observation.project.is_restricted = restricted
    candidate.observation.project.save()
    client = logged_in(client, candidate, Role.VIEWER)
    page = client.get(reverse("rating:candidate", args=[candidate.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert VIEW_ONLY in html
    for control in RATING_CONTROLS:
        assert control not in html, control


def test_rater_candidate_page_has_the_rating_controls(client, candidate):
    client = logged_in(client, candidate, Role.RATER)
    html = client.get(reverse("rating:candidate", args=[candidate.pk])).content.decode()
    assert VIEW_ONLY not in html
    for control in RATING_CONTROLS:
        assert control in html, control


def test_viewer_posting_anyway_is_refused(client, candidate):
    client = logged_in(client, candidate, Role.VIEWER)
    rate = client.post(
        reverse("rating:rate", args=[candidate.pk]), {"label": "true", "action": "next"}
    )
    comment = client.post(
        reverse("rating:comment", args=[candidate.pk]), {"text": "looks real"}
    )
    grid_rate = client.post(
        reverse("scan:rate"), {"candidate": candidate.pk, "label": "true"}
    )
    assert rate.status_code == comment.status_code == 403
    assert grid_rate.status_code in (302, 403)
    assert not Rating.objects.exists() and not CandidateComment.objects.exists()


def test_viewer_grid_has_no_labelling_buttons(client, candidate):
    client = logged_in(client, candidate, Role.VIEWER)
    html = client.get(reverse("scan:grid")).content.decode()
    assert f'id="card-{candidate.pk}"' in html
    assert VIEW_ONLY in html
    assert 'class="scan-card__rate"' not in html
    assert "data-view-only" in html
    assert "data-undo-button" not in html


def test_rater_grid_has_labelling_buttons(client, candidate):
    client = logged_in(client, candidate, Role.RATER)
    html = client.get(reverse("scan:grid")).content.decode()
    assert 'class="scan-card__rate"' in html
    assert VIEW_ONLY not in html
    assert "data-undo-button" in html


def test_viewer_sees_colleagues_ratings_at_once_while_a_rater_stays_blind(
    client, candidate
):
    """Blind first protects a rater's own verdict; a viewer has none to
    protect, and would otherwise never see the team's ratings."""
    colleague = UserFactory(username="colleague")
    MembershipFactory(
        project=candidate.observation.project, user=colleague, role=Role.RATER
    )
    Rating.objects.create(
        candidate=candidate, user=colleague, label="true", notes="bright and compact"
    )
    url = reverse("rating:candidate", args=[candidate.pk])
    viewer_page = logged_in(client, candidate, Role.VIEWER).get(url).content.decode()
    assert "bright and compact" in viewer_page
    assert "data-team-hidden" not in viewer_page
    rater_page = logged_in(client, candidate, Role.RATER).get(url).content.decode()
    assert "bright and compact" not in rater_page
    assert "data-team-hidden" in rater_page
