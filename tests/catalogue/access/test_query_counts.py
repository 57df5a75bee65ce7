"""The membership check costs one small query per request, whatever the page.

For a plain member, with a restricted project hidden from them, the pages
the performance target names (catalogue first page, cone search, candidate
page, Rate & next) read the user's access once (one query on projects and
memberships) and otherwise run what they ran before; the hidden projects
are a clause of the existing queries, not extra queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.access.models import Membership, Role
from tests.factories import CandidateFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    bench = ProjectFactory(slug="bench")
    candidates = [
        CandidateFactory(beam__observation__project=bench, ra=10 + i / 3600, dec=-30)
        for i in range(4)
    ]
    CandidateFactory(
        beam__observation__project=ProjectFactory(slug="hidden", is_restricted=True)
    )
    member = UserFactory(username="member")
    Membership.objects.create(project=bench, user=member, role=Role.RATER)
    client.force_login(member)
    return client, candidates


def queries_of(request):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    access = [
        q for q in captured.captured_queries if "catalogue_membership" in q["sql"]
    ]
    return response, len(captured), len(access)


# (view, request, queries at most); the parameter is not named `page`, the
# name of pytest-playwright's browser fixture, which would give the test a
# browser parameter. The totals include the session, the user, two
# permission look-ups of the page header (any non-staff user) and the one
# access query; the catalogue also lists my and the team's saved queries
# (one query) and the candidate page reads the team's ratings and comments
# (two) and the project's tag keys (one).
CASES = {
    "catalogue first page": (lambda c, cands: c.get(reverse("catalogue:list")), 8),
    "cone search": (
        lambda c, cands: c.get(
            reverse("catalogue:list")
            + "?cone_ra=10&cone_dec=-30&cone_radius=10&cone_unit=arcsec"
        ),
        8,
    ),
    "candidate page": (
        lambda c, cands: c.get(reverse("rating:candidate", args=[cands[1].pk])),
        15,
    ),
    "rate & next": (
        lambda c, cands: c.post(
            reverse("rating:rate", args=[cands[1].pk]),
            {"label": "true", "action": "next"},
        ),
        14,
    ),
}


@pytest.mark.parametrize("view", sorted(CASES))
def test_membership_check_is_one_query(member_client, view):
    client, candidates = member_client
    request, most = CASES[view]
    request(client, candidates)  # warm: caches, reference lists
    response, total, access = queries_of(lambda: request(client, candidates))
    assert response.status_code in (200, 302)
    assert access == 1, view
    assert total <= most, (view, total)
