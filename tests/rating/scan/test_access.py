"""Grid labelling respects project roles: a viewer may look but not label, a
restricted project's candidates do not exist for a non-member, and a refused
action changes nothing."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from rating.models import Rating
from tests.factories import CandidateFactory, MembershipFactory, UserFactory


def act(user, **body):
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("scan:action"), json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def restricted_candidate(db):
    candidate = CandidateFactory()
    project = candidate.observation.project
    project.is_restricted = True
    project.save()
    return candidate


def test_a_viewer_gets_403_and_nothing_is_saved(restricted_candidate):
    viewer = UserFactory()
    MembershipFactory(
        project=restricted_candidate.observation.project, user=viewer, role="viewer"
    )
    response = act(
        viewer, action="label", candidates=[restricted_candidate.pk], label="true"
    )
    assert response.status_code == 403
    assert "view, not rate" in response.json()["error"]
    assert not Rating.objects.exists()


def test_a_non_member_cannot_tell_a_hidden_candidate_from_a_missing_one(
    restricted_candidate,
):
    outsider = UserFactory()
    hidden = act(
        outsider, action="label", candidates=[restricted_candidate.pk], label="true"
    )
    missing = act(outsider, action="label", candidates=[999999], label="true")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["error"] == f"No candidate with id {restricted_candidate.pk}."
    assert not Rating.objects.exists()


def test_a_rater_member_labels_the_restricted_candidate(restricted_candidate):
    rater = UserFactory()
    MembershipFactory(
        project=restricted_candidate.observation.project, user=rater, role="rater"
    )
    response = act(
        rater, action="label", candidates=[restricted_candidate.pk], label="true"
    )
    assert response.status_code == 200
    assert Rating.objects.get().user == rater


def test_a_hidden_peak_preview_is_404_for_a_non_member(restricted_candidate):
    client = Client()
    client.force_login(UserFactory())
    url = reverse("scan:peak_preview", args=[restricted_candidate.pk])
    assert client.get(url).status_code == 404
