"""Members in the Wagtail admin (logged like the project admin page), and the
data migration that keeps existing uploaders uploading."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from catalogue.access.models import Membership, MembershipLog, Role
from tests.factories import ProjectFactory, UserFactory


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


@pytest.mark.django_db(transaction=True)
def test_data_migration_makes_uploaders_and_scopes_existing_tokens():
    before = [("catalogue", "0007_project_memberships")]
    after = [("catalogue", "0008_existing_uploaders_become_uploaders")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("auth", "User")
    Project = old.get_model("catalogue", "Project")
    vast = Project.objects.create(slug="vast")
    Project.objects.create(slug="rex")
    observation = old.get_model("catalogue", "Observation").objects.create(
        project=vast, sbid="SB1"
    )
    ann = User.objects.create(username="ann")  # uploaded to vast, no token
    bob = User.objects.create(username="bob")  # holds a token
    User.objects.create(username="cy")  # neither
    old.get_model("catalogue", "Upload").objects.create(
        observation=observation, user=ann, via="api"
    )
    old.get_model("catalogue", "UploadToken").objects.create(
        user=bob, key_hash="x" * 64, prefix="cpt_x"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    roles = set(
        new.get_model("catalogue", "Membership").objects.values_list(
            "user__username", "project__slug", "role"
        )
    )
    assert roles == {
        ("ann", "vast", Role.UPLOADER),
        ("bob", "vast", Role.UPLOADER),
        ("bob", "rex", Role.UPLOADER),
    }
    token = new.get_model("catalogue", "UploadToken").objects.get()
    assert set(token.projects.values_list("slug", flat=True)) == {"vast", "rex"}
    assert token.may_create_projects
    assert not new.get_model("catalogue", "Project").objects.filter(is_restricted=True)
    assert new.get_model("catalogue", "MembershipLog").objects.count() == 3
