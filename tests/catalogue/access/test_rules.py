"""The one place deciding access: roles, visibility, tokens, the log."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection  # noqa: F401 - read by a skipif condition

from catalogue.access.models import Membership, MembershipLog, Role
from catalogue.access.rules import (
    access_for,
    may_administer,
    may_rate,
    may_see_media,
    may_upload,
    may_view,
    role_for,
    token_may_write,
    visible_candidates,
    visible_projects,
)
from catalogue.access.services import remove_member, set_restricted, set_role
from catalogue.api.tokens.service import create_token
from catalogue.survey.models import Candidate
from tests.factories import CandidateFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects():
    """An open project A and a restricted project B, one candidate each."""
    a = ProjectFactory(slug="alpha")
    b = ProjectFactory(slug="bravo", is_restricted=True)
    in_a = CandidateFactory(beam__observation__project=a)
    in_b = CandidateFactory(beam__observation__project=b)
    return a, b, in_a, in_b


def fresh(user):
    """The user as a new request would load it (nothing cached)."""
    return type(user).objects.get(pk=user.pk)


def test_open_project_makes_every_active_user_a_rater(two_projects):
    a, b, _, _ = two_projects
    user = UserFactory()
    assert role_for(user, a) == Role.RATER
    assert role_for(user, b) is None
    assert may_rate(user, a) and not may_view(user, b)


def test_a_membership_decides_the_role_also_in_an_open_project(two_projects):
    a, b, _, _ = two_projects
    user = UserFactory()
    Membership.objects.create(project=a, user=user, role=Role.VIEWER)
    Membership.objects.create(project=b, user=user, role=Role.UPLOADER)
    user = fresh(user)
    assert may_view(user, a) and not may_rate(user, a)
    assert may_upload(user, b) and not may_administer(user, b)


def test_staff_may_do_everything_and_cost_no_query(
    two_projects, django_assert_num_queries
):
    a, b, _, _ = two_projects
    staff = UserFactory(is_staff=True)
    with django_assert_num_queries(0):
        assert role_for(staff, b) == Role.ADMIN
        assert visible_candidates(staff).query.where.children == []


def test_visibility_is_computed_once_per_user_object(
    two_projects, django_assert_num_queries
):
    a, b, in_a, in_b = two_projects
    user = UserFactory()
    with django_assert_num_queries(1):
        access_for(user)
        for project in (a, b):
            role_for(user, project)
    assert list(visible_candidates(user)) == [in_a]
    assert list(visible_projects(user)) == [a]


def test_nothing_is_hidden_when_no_project_is_restricted(django_assert_num_queries):
    CandidateFactory()
    user = UserFactory()
    with django_assert_num_queries(1):
        candidates = visible_candidates(user)
    assert str(candidates.query) == str(Candidate.objects.all().query)


def test_anonymous_and_inactive_users_see_nothing(two_projects):
    inactive = UserFactory(is_active=False)
    for user in (AnonymousUser(), inactive):
        assert not visible_candidates(user).exists()
        assert role_for(user, two_projects[0]) is None
        assert not may_see_media(user, "surveys/alpha/SB1/x.fits")


def test_media_of_a_hidden_project_is_refused_by_its_path(two_projects):
    user = UserFactory()
    assert may_see_media(user, "surveys/alpha/SB1/beam00/x.fits")
    assert not may_see_media(user, "surveys/bravo/SB1/beam00/x.fits")
    assert may_see_media(user, "original_images/picture.png")


def test_a_token_writes_only_projects_it_names_whose_uploader_owns_it(two_projects):
    a, b, _, _ = two_projects
    user = UserFactory()
    set_role(a, user, Role.UPLOADER, actor=None)
    set_role(b, user, Role.UPLOADER, actor=None)
    token, _ = create_token(user, projects=[a])
    assert token_may_write(token, a)
    assert not token_may_write(token, b)
    set_role(a, user, Role.RATER, actor=None)
    token = type(token).objects.get(pk=token.pk)
    assert not token_may_write(token, a)


def test_every_membership_change_is_logged_with_who_and_when(two_projects):
    a, _, _, _ = two_projects
    admin, member = UserFactory(username="boss"), UserFactory(username="ann")
    set_role(a, member, Role.VIEWER, actor=admin)
    set_role(a, member, Role.VIEWER, actor=admin)  # no change, no row
    set_role(a, member, Role.RATER, actor=admin)
    remove_member(a, member, actor=admin)
    set_restricted(a, True, actor=admin)
    rows = list(
        MembershipLog.objects.order_by("id").values_list(
            "actor_username", "action", "member_username", "old_role", "new_role"
        )
    )
    assert rows == [
        ("boss", "added", "ann", "", "viewer"),
        ("boss", "changed", "ann", "viewer", "rater"),
        ("boss", "removed", "ann", "rater", ""),
        ("boss", "restricted", "", "", ""),
    ]
    assert all(entry.at is not None for entry in MembershipLog.objects.all())


def test_rate_next_skips_projects_where_the_user_only_views(client):
    looked_at = ProjectFactory(slug="look")
    rated = ProjectFactory(slug="rate")
    to_rate = CandidateFactory(beam__observation__project=rated)
    # Newer, so first in the default (newest first) order, were it ratable.
    only_view = CandidateFactory(beam__observation__project=looked_at)
    user = UserFactory(username="vic")
    Membership.objects.create(project=looked_at, user=user, role=Role.VIEWER)
    client.force_login(user)
    response = client.get("/candidates/next/?best_beam=off")
    assert response["Location"].startswith(f"/candidates/{to_rate.pk}/")
    assert only_view.pk > to_rate.pk


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the rows ride on PostgreSQL only"
)
def test_the_logged_in_user_query_brings_the_access_rows(
    two_projects, django_assert_num_queries
):
    """On PostgreSQL the backend loads the user with their access rows: the
    check then needs no query, and answers as the query would."""
    from portal.backends import PortalModelBackend

    a, b, _, _ = two_projects
    mine = ProjectFactory(slug="charlie", is_restricted=True)
    user = UserFactory()
    Membership.objects.create(project=mine, user=user, role=Role.VIEWER)
    Membership.objects.create(project=a, user=user, role=Role.ADMIN)
    loaded = PortalModelBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        from_rows = access_for(loaded)
    assert from_rows == access_for(fresh(user))
    assert from_rows.hidden_ids == {b.pk} and from_rows.roles[mine.pk] == Role.VIEWER

    set_role(b, loaded, Role.RATER, actor=None)  # the loaded rows are now stale
    assert may_rate(loaded, b)
