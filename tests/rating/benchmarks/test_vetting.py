"""The candidate-page benchmarks run on a small synthetic catalogue and clean up."""

import pytest

from catalogue.demo.synthetic import load_synthetic_catalogue
from portal.benchmarking import BenchContext
from rating.benchmarks.vetting import (
    NEXT_IN_LIST_SORTS,
    bench_candidate_page,
    bench_needs_ratings_next,
    bench_next_in_list,
    bench_rate_next,
)
from rating.models import Rating
from tests.factories import UserFactory


@pytest.mark.django_db
def test_benchmarks_time_the_page_and_rate_next_and_leave_no_ratings():
    load_synthetic_catalogue(200, observations=1)
    ctx = BenchContext(
        user=UserFactory(), repeat=3, warmup=1, dataset={"project": "bench"}
    )

    page = bench_candidate_page(ctx)
    rate_next = bench_rate_next(ctx)

    assert page["runs"] == 3 and page["queries"] <= 15
    assert rate_next["runs"] == 3 and rate_next["median_ms"] > 0
    assert not Rating.objects.filter(user=ctx.user).exists()


@pytest.mark.django_db
def test_next_in_list_benchmark_walks_every_sort():
    load_synthetic_catalogue(200, observations=1)
    ctx = BenchContext(
        user=UserFactory(), repeat=3, warmup=1, dataset={"project": "bench"}
    )

    figures = bench_next_in_list(ctx)

    assert set(figures["sorts"]) == set(NEXT_IN_LIST_SORTS)
    assert all(summary["runs"] == 3 for summary in figures["sorts"].values())


@pytest.mark.django_db
def test_needs_ratings_benchmark_walks_the_queue():
    load_synthetic_catalogue(200, observations=1)
    ctx = BenchContext(
        user=UserFactory(), repeat=3, warmup=1, dataset={"project": "bench"}
    )

    figures = bench_needs_ratings_next(ctx)

    assert figures["runs"] == 3 and figures["median_ms"] > 0
    assert "rating_status=needs_ratings" in figures["url"]
