"""The scanning-grid benchmarks run on a small synthetic catalogue and clean up."""

import pytest

from catalogue.demo.synthetic import load_synthetic_catalogue
from catalogue.survey.models import CandidateFile, Lightcurve
from portal.benchmarking import BenchContext
from rating.benchmarks.scan import (
    GRID_SORTS,
    bench_scan_grid_page,
    bench_scan_preview_first_render,
)
from tests.factories import UserFactory


@pytest.fixture
def ctx(db, media_root):
    load_synthetic_catalogue(200, observations=1)
    return BenchContext(
        user=UserFactory(), repeat=2, warmup=1, dataset={"project": "bench"}
    )


def test_grid_benchmark_times_first_and_deep_pages_and_cleans_up(
    ctx, media_root, django_capture_on_commit_callbacks
):
    # Stored files are deleted once the deletion commits (at once in the bench).
    with django_capture_on_commit_callbacks(execute=True):
        figures = bench_scan_grid_page(ctx)

    assert len(figures["pages"]) == 2 * len(GRID_SORTS)
    assert all(page["runs"] == 2 for page in figures["pages"].values())
    assert figures["queries"] <= 12
    assert not CandidateFile.objects.exists() and not Lightcurve.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_preview_benchmark_renders_both_previews_uncached(ctx):
    figures = bench_scan_preview_first_render(ctx)

    assert set(figures["previews"]) == {"deep cutout", "slices peak plane"}
    assert figures["median_ms"] > 0
