"""What the project membership check costs, at 1,000,000 candidates.

The standard rows run as the staff bench user, for whom `catalogue.access`
costs nothing. These rows repeat the catalogue's first page and cone search
as a plain member (no staff) while a restricted project they are no member
of exists, so every query carries the "hidden projects" exclusion: compare
them with `catalogue_first_page` and `catalogue_cone_1_arcmin` of the code
before projects had members. The benchmark modules are imported whole:
`manage.py bench` would run every `bench_*` function imported by name.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model

from catalogue.access.models import Membership, Role
from catalogue.benchmarks import browse
from catalogue.survey.models import Project
from portal.benchmarking import BenchContext

MEMBER_USERNAME = "bench-member"
HIDDEN_SLUG = "bench-hidden"


@contextmanager
def member_context(ctx):
    """A BenchContext of a rater of the bench project (not staff), with a
    restricted project hidden from them; the project is removed afterwards."""
    member, _ = get_user_model().objects.get_or_create(username=MEMBER_USERNAME)
    bench = Project.objects.get(slug=ctx.dataset["project"])
    Membership.objects.get_or_create(
        project=bench, user=member, defaults={"role": Role.RATER}
    )
    hidden, _ = Project.objects.get_or_create(
        slug=HIDDEN_SLUG, defaults={"name": HIDDEN_SLUG, "is_restricted": True}
    )
    try:
        yield BenchContext(user=member, repeat=ctx.repeat, dataset=ctx.dataset)
    finally:
        hidden.delete()


def bench_access_first_page_as_member(ctx):
    """`catalogue_first_page` as a member, one project hidden."""
    with member_context(ctx) as member:
        return browse.bench_catalogue_first_page(member)


def bench_access_cone_1_arcmin_as_member(ctx):
    """`catalogue_cone_1_arcmin` as a member, one project hidden."""
    with member_context(ctx) as member:
        return browse.bench_catalogue_cone_1_arcmin(member)
