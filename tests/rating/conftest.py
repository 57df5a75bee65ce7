"""Fixtures for the rating tests: candidate page clients, demo data, rated factories."""

import os

import pytest

from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from tests.factories import (
    CandidateFactory,
    ObservationFactory,
    ProjectFactory,
    TagFactory,
    UserFactory,
)

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


AWKWARD_NOTES = 'Comma, "quoted" text,\nand a second line; naïve ünïcode ✓'


@pytest.fixture
def rated(db):
    """Two observations of two projects; three raters; one disputed candidate.

    Candidate `agreed` (survey/SB1): ada, ben → true; cat → false.
    Candidate `disputed` (survey/SB1): ada → true, ben → false.
    Candidate `other` (other/SB2): ada → unsure (with awkward notes).
    """
    survey, other = ProjectFactory(slug="survey"), ProjectFactory(slug="other")
    first = ObservationFactory(project=survey, sbid="SB1")
    second = ObservationFactory(project=other, sbid="SB2")
    agreed = CandidateFactory(beam__observation=first, name="J000001-000001")
    disputed = CandidateFactory(beam__observation=first, name="J000002-000002")
    lone = CandidateFactory(beam__observation=second, name="J000003-000003")
    ada, ben, cat = (UserFactory(username=name) for name in ("ada", "ben", "cat"))
    flare, noise = TagFactory(name="Flare"), TagFactory(name="Noise")
    save_rating(agreed, ada, Label.TRUE, tag=flare)
    save_rating(agreed, ben, Label.TRUE, tag=flare)
    save_rating(agreed, cat, Label.FALSE, tag=noise)
    save_rating(disputed, ada, Label.TRUE)
    save_rating(disputed, ben, Label.FALSE, notes="not sure, honestly")
    save_rating(lone, ada, Label.UNSURE, notes=AWKWARD_NOTES)
    return {
        "agreed": agreed,
        "disputed": disputed,
        "lone": lone,
        "users": (ada, ben, cat),
        "observations": (first, second),
    }
