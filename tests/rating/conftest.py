"""Fixtures for the candidate page: a logged-in rater and the ingested demo data."""

import os

import pytest

from catalogue.models import Candidate

# Playwright's sync API runs an event loop in the test thread; the tests that
# drive a browser also touch the database while a page is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def rater_client(client, rater):
    client.force_login(rater)
    return client


@pytest.fixture
def demo_candidate(ingested):
    """A best-beam demo candidate with every file, its light curve and a deep match."""
    return (
        Candidate.objects.filter(
            observation=ingested, is_best_beam=True, deep_ra_deg__isnull=False
        )
        .order_by("id")
        .first()
    )
