"""Members in the Wagtail admin (logged like the project admin page), and the
data migration that keeps existing uploaders uploading."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from catalogue.access.models import Membership, MembershipLog, Role
from catalogue.api.tokens.models import UploadToken
from catalogue.survey.models import Observation, Project, Upload
from tests.factories import ProjectFactory, UserFactory

MIGRATION = importlib.import_module(
    "catalogue.migrations.0008_existing_uploaders_become_uploaders"
)


@pytest.mark.django_db
def test_staff_manage_members_and_openness_in_wagtail_admin_and_it_is_logged(
    client, staff
):
    project = ProjectFactory(slug="vast")
    mia = UserFactory(username="mia")
    client.force_login(staff)
    added = client.post(
        reverse("cms_memberships:add"),
        {"project": project.pk, "user": mia.pk, "role": "viewer"},
    )
    assert added.status_code == 302
    membership = Membership.objects.get(project=project, user=mia)
    client.post(
        reverse("cms_memberships:edit", args=[membership.pk]),
        {"project": project.pk, "user": mia.pk, "role": "uploader"},
    )
    client.post(reverse("cms_memberships:delete", args=[membership.pk]))
    client.post(
        reverse("cms_projects:edit", args=[project.pk]),
        {
            "name": project.name,
            "slug": "vast",
            "description": "",
            "is_restricted": "on",
        },
    )
    project.refresh_from_db()
    assert project.is_restricted
    assert not Membership.objects.exists()
    assert list(
        MembershipLog.objects.order_by("id").values_list(
            "actor_username", "action", "old_role", "new_role"
        )
    ) == [
        ("staff", "added", "", "viewer"),
        ("staff", "changed", "viewer", "uploader"),
        ("staff", "removed", "uploader", ""),
        ("staff", "restricted", "", ""),
    ]
    assert client.get(reverse("cms_membership_log:index")).status_code == 200


@pytest.mark.django_db
def test_data_migration_makes_uploaders_and_scopes_existing_tokens():
    """The migration's function, run on rows as they stood before it (no
    memberships, unscoped tokens). Run through the current models: the
    fields it reads and writes are unchanged since."""
    vast = Project.objects.create(slug="vast")
    Project.objects.create(slug="rex")
    observation = Observation.objects.create(project=vast, sbid="SB1")
    ann = UserFactory(username="ann")  # uploaded to vast, no token
    bob = UserFactory(username="bob")  # holds a token
    UserFactory(username="cy")  # neither
    Upload.objects.create(observation=observation, user=ann, via="api")
    UploadToken.objects.create(user=bob, key_hash="x" * 64, prefix="cpt_x")

    MIGRATION.add_uploaders(django_apps, None)

    roles = set(
        Membership.objects.values_list("user__username", "project__slug", "role")
    )
    assert roles == {
        ("ann", "vast", Role.UPLOADER),
        ("bob", "vast", Role.UPLOADER),
        ("bob", "rex", Role.UPLOADER),
    }
    token = UploadToken.objects.get()
    assert set(token.projects.values_list("slug", flat=True)) == {"vast", "rex"}
    assert token.may_create_projects
    assert not Project.objects.filter(is_restricted=True).exists()
    assert MembershipLog.objects.filter(actor__isnull=True).count() == 3
