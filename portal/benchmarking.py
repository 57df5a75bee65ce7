"""Timing helpers shared by every app's `benchmarks.py` (run by `manage.py bench`).

A benchmark is a function `bench_<name>(ctx)` in `<app>/benchmarks.py`; it
uses `ctx.time_get(url)` (or `ctx.time_call(fn)`) and returns a dict of
figures that lands in the JSON report under its name. "Server time" is the
time Django takes to answer a request in-process: no network, no browser.
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (fraction in 0–1)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise_ms(seconds):
    """Median / p95 / min / max of timings given in seconds, reported in ms."""
    ms = [s * 1000 for s in seconds]
    return {
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
        "runs": len(ms),
    }


@dataclass
class BenchContext:
    """What a benchmark gets: a logged-in client, the dataset sizes, repeats."""

    user: object
    repeat: int = 30
    warmup: int = 3
    dataset: dict = field(default_factory=dict)

    def __post_init__(self):
        self.client = Client()
        self.client.force_login(self.user)

    def time_get(self, url, repeat=None, expect=200, stream=False):
        """GET `url` repeatedly; returns server-time figures and the query count."""
        timings = []
        for run in range(self.warmup + (repeat or self.repeat)):
            started = time.perf_counter()
            self._get(url, expect, stream)
            if run >= self.warmup:
                timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            self._get(url, expect, stream)
        return {"url": url, "queries": len(captured), **summarise_ms(timings)}

    def _get(self, url, expect, stream):
        response = self.client.get(url)
        if stream and response.streaming:
            for _ in response.streaming_content:
                pass
        if response.status_code != expect:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    def time_call(self, function, repeat=None):
        """Time `function()` repeatedly (seconds → ms figures)."""
        timings = []
        for run in range(self.warmup + (repeat or self.repeat)):
            started = time.perf_counter()
            function()
            if run >= self.warmup:
                timings.append(time.perf_counter() - started)
        return summarise_ms(timings)


def vacuum_analyze(*models):
    """VACUUM (ANALYZE) the models' tables on PostgreSQL (elsewhere: nothing).

    For benchmarks that write and then delete many rows (uploads): the dead
    rows they leave would slow every later benchmark's index scans (seen:
    1.1 million dead candidate rows tripled the "needs ratings" walk) until
    autovacuum got round to them. VACUUM cannot run in a transaction, so
    inside one (a test's) this does nothing.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
