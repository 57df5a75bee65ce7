"""The catalogue rating-filter benchmarks run on a small synthetic catalogue."""

import pytest

from catalogue.demo.synthetic import load_synthetic_catalogue
from portal.benchmarking import BenchContext
from rating.benchmarks import catalogue_filters
from rating.demo.synthetic import load_synthetic_ratings
from tests.factories import UserFactory

BENCHMARKS = [
    function
    for name, function in sorted(vars(catalogue_filters).items())
    if name.startswith("bench_")
]


@pytest.mark.django_db
@pytest.mark.parametrize("with_ratings", [False, True])
def test_every_filter_benchmark_times_the_catalogue_page(with_ratings):
    load_synthetic_catalogue(200, observations=1)
    if with_ratings:
        load_synthetic_ratings(60, users=4)
    ctx = BenchContext(
        user=UserFactory(), repeat=2, warmup=1, dataset={"project": "bench"}
    )

    figures = [bench(ctx) for bench in BENCHMARKS]

    assert len(BENCHMARKS) == 6
    assert all(summary["runs"] == 2 for summary in figures)
    assert {summary["url"].split("?")[1] for summary in figures} == {
        "rating_status=unrated",
        "rating_status=rated",
        "rating_status=unrated_by_me",
        "my_label=true",
        "consensus=true",
        "disputed=true",
    }
