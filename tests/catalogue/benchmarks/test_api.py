"""The API ingest benchmark runs end to end (tiny sizes) and cleans up."""

import pytest

from catalogue.api.tokens.models import UploadToken
from catalogue.benchmarks import api as benchmarks_api
from catalogue.survey.models import Candidate, Project
from portal.benchmarking import BenchContext


@pytest.mark.django_db
def test_bench_api_ingest_reports_throughput(rater, monkeypatch, media_root):
    monkeypatch.setattr(benchmarks_api, "BEAMS", 3)
    monkeypatch.setattr(benchmarks_api, "CANDIDATES_PER_BEAM", 40)

    figures = benchmarks_api.bench_api_ingest(BenchContext(user=rater, repeat=1))

    assert figures["candidates"] == 120
    assert figures["candidates_per_second"] > 0
    assert figures["resend_candidates_per_second"] > 0
    assert not Project.objects.filter(slug=benchmarks_api.PROJECT).exists()
    assert not Candidate.objects.exists()
    assert not UploadToken.objects.exists()
