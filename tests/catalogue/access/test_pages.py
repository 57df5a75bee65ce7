"""The project admin page and the token form's projects, through their URLs."""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership, MembershipLog, Role
from catalogue.api.tokens.models import UploadToken
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    project = ProjectFactory(slug="vast")
    admin = UserFactory(username="pat")
    Membership.objects.create(project=project, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    return client, project, admin


def test_admin_adds_changes_and_removes_a_member_each_logged(admin_client):
    client, project, admin = admin_client
    mia = UserFactory(username="mia")
    url = reverse("projects:member_set", args=[project.slug])
    assert client.post(url, {"username": "mia", "role": "viewer"}).status_code == 302
    assert client.post(url, {"username": "mia", "role": "uploader"}).status_code == 302
    assert Membership.objects.get(project=project, user=mia).role == Role.UPLOADER
    remove = reverse("projects:member_remove", args=[project.slug, mia.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(project=project, user=mia).exists()
    assert list(
        MembershipLog.objects.order_by("id").values_list("action", "actor_username")
    ) == [("added", "pat"), ("changed", "pat"), ("removed", "pat")]


def test_unknown_user_or_role_is_a_clear_error_and_changes_nothing(admin_client):
    client, project, _ = admin_client
    url = reverse("projects:member_set", args=[project.slug])
    unknown = client.post(url, {"username": "nobody", "role": "rater"})
    bad_role = client.post(url, {"username": "pat", "role": "emperor"})
    assert unknown.status_code == bad_role.status_code == 400
    assert "There is no active user" in unknown.content.decode()
    assert Membership.objects.get(project=project).role == Role.ADMIN
    assert not MembershipLog.objects.exists()


def test_admin_restricts_and_opens_the_project(admin_client):
    client, project, _ = admin_client
    url = reverse("projects:settings", args=[project.slug])
    client.post(url, {"is_restricted": "on"})
    project.refresh_from_db()
    assert project.is_restricted
    client.post(url, {})
    project.refresh_from_db()
    assert not project.is_restricted
    assert list(
        MembershipLog.objects.order_by("id").values_list("action", flat=True)
    ) == [
        "restricted",
        "opened",
    ]


def test_project_list_shows_roles_and_manage_links_only_to_admins(admin_client):
    client, project, _ = admin_client
    ProjectFactory(slug="other")
    ProjectFactory(slug="secret", is_restricted=True)
    page = client.get(reverse("projects:list")).content.decode()
    assert "vast" in page and "other" in page and "secret" not in page
    assert page.count("Manage members") == 1


def test_token_form_offers_only_projects_the_user_uploads_to(client):
    user = UserFactory(username="ulla")
    mine = MembershipFactory(user=user, role="uploader", project__slug="mine").project
    rated = MembershipFactory(user=user, role="rater", project__slug="rated").project
    client.force_login(user)
    page = client.get(reverse("tokens:list")).content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{rated.pk}"' not in page
    assert "May create new projects" not in page

    refused = client.post(
        reverse("tokens:list"),
        {"name": "x", "projects": [rated.pk], "may_create_projects": "on"},
    )
    assert refused.status_code == 200 and not UploadToken.objects.exists()
    client.post(reverse("tokens:list"), {"name": "x", "projects": [mine.pk]})
    token = UploadToken.objects.get()
    assert list(token.projects.all()) == [mine] and not token.may_create_projects
    listing = client.get(reverse("tokens:list")).content.decode()
    assert "<td>mine</td>" in listing


def test_staff_may_let_a_token_create_projects(client, staff):
    client.force_login(staff)
    client.post(reverse("tokens:list"), {"name": "ops", "may_create_projects": "on"})
    assert UploadToken.objects.get().may_create_projects
