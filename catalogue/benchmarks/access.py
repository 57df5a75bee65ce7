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
`manage.py bench --only 'access_first_page'`.

On a shared, loaded machine two runs minutes apart differ by more than the
check costs, so `access_overhead_<page>` alternates the two modes request
by request (a, b, b, a, ...) in one process and reports both medians and
the overhead in per cent: `manage.py bench --only access_overhead`.

The benchmark modules are imported whole: `manage.py bench` would run
every `bench_*` function imported by name.
"""

import time
from contextlib import contextmanager, nullcontext
from unittest import mock

from django.contrib.auth import get_user_model
from django.urls import reverse

from catalogue.access import rules
from catalogue.access.models import Membership, Role
from catalogue.benchmarks import browse
from catalogue.survey.models import Project
from portal.benchmarking import BenchContext, summarise_ms

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


def interleaved(ctx, call):
    """Time `call(checked)` alternately without (a) and with (b) the check,
    `ctx.repeat` times each after `ctx.warmup`; medians in ms, overhead %."""
    timings = {False: [], True: []}
    for run in range(ctx.warmup + ctx.repeat):
        for checked in (False, True) if run % 2 == 0 else (True, False):
            with nullcontext() if checked else unchecked():
                started = time.perf_counter()
                call(checked)
                elapsed = time.perf_counter() - started
            if run >= ctx.warmup:
                timings[checked].append(elapsed)
    before, after = summarise_ms(timings[False]), summarise_ms(timings[True])
    overhead = 100 * (after["median_ms"] / before["median_ms"] - 1)
    return {"unchecked": before, "as_member": after, "overhead_pct": round(overhead, 1)}


def interleaved_get(ctx, url):
    """`interleaved` of GET `url` as the member (200 expected)."""
    with member_context(ctx) as member:

        def get(checked):
            response = member.client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return {"url": url, **interleaved(member, get)}


def bench_access_overhead_first_page(ctx):
    """The check's cost on the catalogue's first page, modes interleaved."""
    return interleaved_get(ctx, reverse("catalogue:list"))


def bench_access_overhead_cone_1_arcmin(ctx):
    """The check's cost on the 1 arcmin cone search, modes interleaved."""
    return interleaved_get(ctx, browse.cone_url(ctx))


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
