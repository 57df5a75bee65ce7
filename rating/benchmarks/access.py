"""The candidate page and "Rate & next" as a plain member, with and without
the membership check (see `catalogue.benchmarks.access` for the two modes)."""

from catalogue.benchmarks.access import member_context, unchecked_context
from rating.benchmarks import vetting


def bench_access_candidate_page_as_member(ctx):
    with member_context(ctx) as member:
        return vetting.bench_candidate_page(member)


def bench_access_candidate_page_unchecked(ctx):
    with unchecked_context(ctx) as member:
        return vetting.bench_candidate_page(member)


def bench_access_rate_next_as_member(ctx):
    with member_context(ctx) as member:
        return vetting.bench_rate_next(member)


def bench_access_rate_next_unchecked(ctx):
    with unchecked_context(ctx) as member:
        return vetting.bench_rate_next(member)
