"""The candidate page and "Rate & next" as a plain member, with and without
the membership check (see `catalogue.benchmarks.access` for the two modes,
and for the interleaved `access_overhead_*` rows)."""

from django.urls import reverse

from catalogue.benchmarks.access import (
    interleaved,
    interleaved_get,
    member_context,
    unchecked_context,
)
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


def bench_access_overhead_candidate_page(ctx):
    """The check's cost on a candidate page, modes interleaved."""
    pk = vetting.middle_candidate_id(ctx)
    return interleaved_get(ctx, reverse("rating:candidate", args=[pk]))


def bench_access_overhead_rate_next(ctx):
    """The check's cost on "Rate & next", modes interleaved.

    Both modes walk one chain from the middle candidate, so every request
    does a rater's work: a new rating, then the walk to the next unrated
    candidate. (Each mode on its own chain from the same start made one
    mode insert and the other update the same rating, alternately.) The
    ratings made are deleted.
    """
    with member_context(ctx) as member:
        walk = vetting.RateAndNextWalk(member)
        try:
            return interleaved(member, walk.step)
        finally:
            walk.delete_ratings()
