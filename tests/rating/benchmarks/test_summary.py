"""The ratings summary benchmarks run (tiny data; figures come from `make bench`)."""

import pytest

from portal.benchmarking import BenchContext
from rating.benchmarks import summary as benchmarks_summary

BENCHMARKS = [
    function
    for name, function in vars(benchmarks_summary).items()
    if name.startswith("bench_")
]


@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda f: f.__name__)
def test_benchmark_runs(rated, staff, benchmark):
    result = benchmark(BenchContext(user=staff, repeat=1, warmup=0))
    assert result["runs"] >= 1
    assert result["queries"] > 0
