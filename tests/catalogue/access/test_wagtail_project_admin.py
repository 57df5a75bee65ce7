"""A project admin (no staff) in the Wagtail admin: their projects' members,
log and openness, nothing of other projects, nothing else of the admin."""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership, MembershipLog, Role
from catalogue.access.services import set_role
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects():
    """Pat administers "vast"; "rex" (restricted) and "open" are others'."""
    vast = ProjectFactory(slug="vast", name="VAST")
    rex = ProjectFactory(slug="rex", name="Rex secret", is_restricted=True)
    other = ProjectFactory(slug="open", name="Open other")
    pat = UserFactory(username="pat")
    Membership.objects.create(project=vast, user=pat, role=Role.ADMIN)
    mia = UserFactory(username="mia")
    vast_member = Membership.objects.create(project=vast, user=mia, role=Role.VIEWER)
    rex_member = Membership.objects.create(project=rex, user=mia, role=Role.RATER)
    Membership.objects.create(project=other, user=mia, role=Role.RATER)
    return {
        "vast": vast,
        "rex": rex,
        "other": other,
        "pat": pat,
        "mia": mia,
        "vast_member": vast_member,
        "rex_member": rex_member,
    }


def test_project_admin_opens_the_admin_and_sees_only_their_projects(
    client, two_projects
):
    client.force_login(two_projects["pat"])
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    members = client.get(reverse("cms_memberships:index")).content.decode()
    assert reverse("cms_memberships:edit", args=[two_projects["vast_member"].pk]) in (
        members
    )
    assert "Rex secret" not in members and "rex" not in members
    assert "Open other" not in members
    projects = client.get(reverse("cms_projects:index")).content.decode()
    assert "VAST" in projects and "Rex secret" not in projects
    assert "Open other" not in projects


def test_project_admin_adds_changes_and_removes_members_logged(client, two_projects):
    vast, pat = two_projects["vast"], two_projects["pat"]
    ben = UserFactory(username="ben")
    client.force_login(pat)
    added = client.post(
        reverse("cms_memberships:add"),
        {"project": vast.pk, "user": ben.pk, "role": "rater"},
    )
    assert added.status_code == 302
    membership = Membership.objects.get(project=vast, user=ben)
    edited = client.post(
        reverse("cms_memberships:edit", args=[membership.pk]),
        {"project": vast.pk, "user": ben.pk, "role": "admin"},
    )
    assert edited.status_code == 302
    deleted = client.post(reverse("cms_memberships:delete", args=[membership.pk]))
    assert deleted.status_code == 302
    assert not Membership.objects.filter(user=ben).exists()
    assert list(
        MembershipLog.objects.order_by("id").values_list(
            "actor_username", "project_slug", "action", "old_role", "new_role"
        )
    ) == [
        ("pat", "vast", "added", "", "rater"),
        ("pat", "vast", "changed", "rater", "admin"),
        ("pat", "vast", "removed", "admin", ""),
    ]
    log = client.get(reverse("cms_membership_log:index"))
    assert log.status_code == 200 and "ben" in log.content.decode()


def test_project_admin_restricts_their_project_only_its_openness(client, two_projects):
    vast = two_projects["vast"]
    client.force_login(two_projects["pat"])
    form = client.get(reverse("cms_projects:edit", args=[vast.pk])).content.decode()
    assert 'name="is_restricted"' in form and 'name="slug"' not in form
    response = client.post(
        reverse("cms_projects:edit", args=[vast.pk]),
        {"is_restricted": "on", "slug": "hijacked", "name": "Hijacked"},
    )
    assert response.status_code == 302
    vast.refresh_from_db()
    assert vast.is_restricted and vast.slug == "vast" and vast.name == "VAST"
    assert MembershipLog.objects.get().action == "restricted"
    assert client.post(reverse("cms_projects:delete", args=[vast.pk])).status_code in (
        302,
        403,
    )
    vast.refresh_from_db()  # still there


def test_other_projects_rows_do_not_exist_for_the_project_admin(client, two_projects):
    rex, other = two_projects["rex"], two_projects["other"]
    rex_member = two_projects["rex_member"]
    client.force_login(two_projects["pat"])
    for url in (
        reverse("cms_memberships:edit", args=[rex_member.pk]),
        reverse("cms_memberships:delete", args=[rex_member.pk]),
        reverse("cms_projects:edit", args=[rex.pk]),
        reverse("cms_projects:edit", args=[other.pk]),
        reverse("cms_projects:inspect", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "viewer"}).status_code == 404, url
    assert Membership.objects.filter(pk=rex_member.pk, role=Role.RATER).exists()
    rex.refresh_from_db()
    assert rex.is_restricted


def test_project_admin_reads_only_their_projects_log(client, two_projects):
    rex, vast = two_projects["rex"], two_projects["vast"]
    set_role(rex, UserFactory(username="rexonly"), Role.VIEWER, actor=None)
    set_role(vast, UserFactory(username="vastonly"), Role.VIEWER, actor=None)
    rex_entry = MembershipLog.objects.get(project=rex)
    client.force_login(two_projects["pat"])
    log = client.get(reverse("cms_membership_log:index")).content.decode()
    assert "vastonly" in log and "rexonly" not in log
    inspect = reverse("cms_membership_log:inspect", args=[rex_entry.pk])
    assert client.get(inspect).status_code == 404


def test_project_admin_cannot_add_members_to_or_move_them_into_other_projects(
    client, two_projects
):
    rex, mia = two_projects["rex"], two_projects["mia"]
    vast_member = two_projects["vast_member"]
    pat = two_projects["pat"]
    client.force_login(pat)
    add = client.post(
        reverse("cms_memberships:add"),
        {"project": rex.pk, "user": pat.pk, "role": "admin"},
    )
    move = client.post(
        reverse("cms_memberships:edit", args=[vast_member.pk]),
        {"project": rex.pk, "user": mia.pk, "role": "admin"},
    )
    assert add.status_code == move.status_code == 200  # the form, with an error
    assert not Membership.objects.filter(project=rex, user=pat).exists()
    assert Membership.objects.get(project=rex, user=mia).role == Role.RATER
    choices = client.get(reverse("cms_memberships:add")).content.decode()
    assert "Rex secret" not in choices and "Open other" not in choices


def test_project_admin_cannot_become_staff_or_reach_other_admin_areas(
    client, two_projects
):
    pat = two_projects["pat"]
    client.force_login(pat)
    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:edit", args=[pat.pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsnippets:index"),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
        reverse("cms_observations:index"),
        reverse("wagtailadmin_explore_root"),
        "/django-admin/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "login" in response["Location"] or response["Location"] in (
                "/cms/",
                reverse("wagtailadmin_home"),
            ), (url, response["Location"])
    client.post(
        reverse("wagtailusers_users:edit", args=[pat.pk]),
        {"username": "pat", "is_staff": "on", "is_superuser": "on"},
    )
    pat.refresh_from_db()
    assert not pat.is_staff and not pat.is_superuser
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("cms_memberships:index") in home
    assert reverse("wagtailusers_users:index") not in home


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RATER, Role.UPLOADER])
def test_other_members_get_no_admin_access(client, two_projects, role):
    member = UserFactory(username="sam")
    Membership.objects.create(project=two_projects["vast"], user=member, role=role)
    client.force_login(member)
    for url in (
        reverse("wagtailadmin_home"),
        reverse("cms_memberships:index"),
        reverse("cms_memberships:edit", args=[two_projects["vast_member"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
