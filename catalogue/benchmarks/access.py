"""What the project membership check costs, at 1,000,000 candidates.

The standard rows run as the staff bench user, for whom `catalogue.access`
costs nothing, but a superuser also skips Django's permission queries, so
they are no fair "before". These rows run as one plain (non-staff) member,
in two modes, to be compared pairwise (same code, same user, same page):

- `access_<page>_unchecked`: the membership check answered without a query,
  as "sees every project" (`_compute_access` stubbed, and the user loaded
  without the access rows): the page as it was before projects had members;
- `access_<page>_as_member`: the real check, with one restricted project
  hidden from the member and one restricted project they rate in, so every
  query carries the "hidden projects" exclusion.

<page> is `first_page`, `cone_1_arcmin` (catalogue) and `candidate_page`,
`rate_next` (rating, `rating.benchmarks.access`). E.g.
`manage.py bench --only 'access_first_page'`. The benchmark modules are
imported whole: `manage.py bench` would run every `bench_*` function
imported by name.
"""

from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model

from catalogue.access import rules
from catalogue.access.models import Membership, Role
from catalogue.benchmarks import browse
from catalogue.survey.models import Project
from portal.benchmarking import BenchContext

MEMBER_USERNAME = "bench-member"
HIDDEN_SLUG = "bench-hidden"  # restricted, the member is not in it
MINE_SLUG = "bench-mine"  # restricted, the member rates in it


@contextmanager
def member_context(ctx):
    """A BenchContext of a rater of the bench project (not staff), with a
    restricted project hidden from them and a restricted one they belong
    to; both projects are removed afterwards."""
    member, _ = get_user_model().objects.get_or_create(username=MEMBER_USERNAME)
    bench = Project.objects.get(slug=ctx.dataset["project"])
    Membership.objects.get_or_create(
        project=bench, user=member, defaults={"role": Role.RATER}
    )
    hidden, _ = Project.objects.get_or_create(
        slug=HIDDEN_SLUG, defaults={"name": HIDDEN_SLUG, "is_restricted": True}
    )
    mine, _ = Project.objects.get_or_create(
        slug=MINE_SLUG, defaults={"name": MINE_SLUG, "is_restricted": True}
    )
    Membership.objects.get_or_create(
        project=mine, user=member, defaults={"role": Role.RATER}
    )
    try:
        yield BenchContext(user=member, repeat=ctx.repeat, dataset=ctx.dataset)
    finally:
        hidden.delete()
        mine.delete()


@contextmanager
def unchecked_context(ctx):
    """The same member, but the membership check costs nothing: every user
    "sees every project, holds no membership" without a query."""
    with member_context(ctx) as member:
        with unchecked():
            yield member


@contextmanager
def unchecked():
    """No membership check: nothing loaded with the user, nothing queried."""
    from portal import backends

    with (
        mock.patch.object(backends, "with_access_rows", lambda users: users),
        mock.patch.object(rules, "_compute_access", lambda user: rules.ProjectAccess()),
    ):
        yield


def bench_access_first_page_as_member(ctx):
    """`catalogue_first_page` as a member, one project hidden."""
    with member_context(ctx) as member:
        return browse.bench_catalogue_first_page(member)


def bench_access_first_page_unchecked(ctx):
    """`catalogue_first_page` as the same member, no membership check."""
    with unchecked_context(ctx) as member:
        return browse.bench_catalogue_first_page(member)


def bench_access_cone_1_arcmin_as_member(ctx):
    """`catalogue_cone_1_arcmin` as a member, one project hidden."""
    with member_context(ctx) as member:
        return browse.bench_catalogue_cone_1_arcmin(member)


def bench_access_cone_1_arcmin_unchecked(ctx):
    """`catalogue_cone_1_arcmin` as the same member, no membership check."""
    with unchecked_context(ctx) as member:
        return browse.bench_catalogue_cone_1_arcmin(member)
