"""The range sliders' bounds follow the data: refreshed after every ingest
and every deletion of survey data, not after a ten-minute cache."""

import pytest

from catalogue.browse.bounds import column_bounds
from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import Candidate, Observation


@pytest.mark.django_db(transaction=True)
def test_a_fresh_observation_is_inside_the_bounds_at_once(demo_source_dir, media_root):
    Candidate.objects.all().delete()
    before = column_bounds()  # cached while the table is empty
    assert before["chi_square_sigma"] == (None, None)

    ingest_directory(demo_source_dir, "demo")

    low, high = column_bounds()["chi_square_sigma"]
    values = Candidate.objects.values_list("chi_square_sigma", flat=True)
    assert (low, high) == (min(values), max(values))


@pytest.mark.django_db(transaction=True)
def test_deleting_an_observation_takes_its_values_out_of_the_bounds(
    demo_source_dir, media_root
):
    ingest_directory(demo_source_dir, "demo")
    assert column_bounds()["peak_map"][1] is not None

    Observation.objects.all().delete()

    assert column_bounds()["peak_map"] == (None, None)
