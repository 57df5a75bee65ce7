"""A project admin deletes an observation of their project from the project
admin page: confirmation first, then the rows and stored files go, logged."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from catalogue.access.models import Membership, Role
from catalogue.survey.models import Candidate, Observation
from rating.models import Rating
from tests.catalogue.siteadmin.test_siteadmin import stored_paths, two_observations
from tests.factories import UserFactory

__all__ = ["two_observations"]  # the fixture, shared with the site admin tests


def member(project, role, username):
    user = UserFactory(username=username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


def delete_url(observation):
    return reverse(
        "project_data:delete_observation",
        args=[observation.project.slug, observation.pk],
    )


def test_project_admin_confirms_then_deletes_rows_and_files(
    client, two_observations, media_root, django_capture_on_commit_callbacks
):
    demo, other = two_observations
    pat = member(demo.project, Role.ADMIN, "pat")
    before = stored_paths(media_root)
    demo_files = {p for p in before if media_root / "surveys" / "demo" in p.parents}
    n_candidates = demo.candidates.count()
    client.force_login(pat)

    manage = client.get(reverse("projects:manage", args=["demo"])).content.decode()
    assert delete_url(demo) in manage and delete_url(other) not in manage
    confirmation = client.get(delete_url(demo)).content.decode()
    assert f"<strong>{n_candidates}</strong> candidates" in confirmation
    assert "<strong>3</strong> ratings" in confirmation
    assert f"<strong>{len(demo_files)}</strong> stored files" in confirmation
    assert 'name="csrfmiddlewaretoken"' in confirmation
    assert stored_paths(media_root) == before  # looking deletes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(demo))
    assert response["Location"] == reverse("projects:manage", args=["demo"])
    assert not Observation.objects.filter(pk=demo.pk).exists()
    assert not Candidate.objects.filter(observation_id=demo.pk).exists()
    assert Rating.objects.filter(candidate__observation=other).count() == 3
    assert stored_paths(media_root) == before - demo_files
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.user == pat and "SB50230" in entry.change_message


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RATER, Role.UPLOADER])
def test_other_members_get_403_and_nothing_is_deleted(client, two_observations, role):
    demo, _ = two_observations
    client.force_login(member(demo.project, role, "mia"))
    assert client.get(delete_url(demo)).status_code == 403
    assert client.post(delete_url(demo)).status_code == 403
    assert Observation.objects.filter(pk=demo.pk).exists()


def test_admin_of_another_project_gets_403_open_and_404_restricted(
    client, two_observations
):
    demo, other = two_observations
    client.force_login(member(other.project, Role.ADMIN, "pat"))
    assert client.post(delete_url(demo)).status_code == 403
    demo.project.is_restricted = True
    demo.project.save()
    assert client.get(delete_url(demo)).status_code == 404
    assert client.post(delete_url(demo)).status_code == 404
    # an observation of another project under one's own project's URL
    url = reverse("project_data:delete_observation", args=["other", demo.pk])
    assert client.post(url).status_code == 404
    assert Observation.objects.filter(pk=demo.pk).exists()


def test_post_without_csrf_token_is_refused(two_observations):
    from django.test import Client

    demo, _ = two_observations
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member(demo.project, Role.ADMIN, "pat"))
    assert csrf_client.post(delete_url(demo)).status_code == 403
    assert Observation.objects.filter(pk=demo.pk).exists()
