"""The benchmark machinery loads its synthetic dataset and discovers benchmarks."""

import pytest

from catalogue.demo.synthetic import load_synthetic_catalogue
from catalogue.survey.models import Candidate
from portal.management.commands.bench import discover_benchmarks
from rating.demo.synthetic import load_synthetic_ratings
from rating.models import Rating, RatingHistory


@pytest.mark.django_db
def test_synthetic_catalogue_and_ratings_load_with_the_requested_sizes():
    load_synthetic_catalogue(500, observations=2)
    load_synthetic_ratings(120, users=5)

    assert Candidate.objects.filter(observation__project__slug="bench").count() == 500
    assert Rating.objects.count() == 120
    assert RatingHistory.objects.count() == 120
    assert not Candidate.objects.filter(dec__gt=90).exists()

    load_synthetic_catalogue(500, observations=2)  # idempotent
    assert Candidate.objects.count() == 500


def test_benchmarks_are_discovered_from_app_modules():
    names = [name for name, _ in discover_benchmarks("")]
    assert "catalogue.catalogue_first_page" in names
    assert "catalogue.api_ingest" in names  # from catalogue/benchmarks_api.py
