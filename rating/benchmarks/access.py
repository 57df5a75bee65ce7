"""The candidate page and "Rate & next" as a plain member with one project
hidden (see `catalogue.benchmarks.access`): compare with `candidate_page`
and `rate_next` of the code before projects had members."""

from catalogue.benchmarks.access import member_context
from rating.benchmarks import vetting


def bench_access_candidate_page_as_member(ctx):
    with member_context(ctx) as member:
        return vetting.bench_candidate_page(member)


def bench_access_rate_next_as_member(ctx):
    with member_context(ctx) as member:
        return vetting.bench_rate_next(member)
