"""The range sliders' bounds follow the data: refreshed after every ingest
and every deletion of survey data, not after a ten-minute cache."""

import re

import pytest
from django.urls import reverse

from catalogue.browse.bounds import column_bounds
from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import Candidate, Observation
from tests.factories import (
    CandidateFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)


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


@pytest.mark.django_db
def test_a_non_member_s_sliders_leave_out_a_restricted_project(client):
    """The slider span must not reveal the range of an embargoed field."""
    CandidateFactory(beam__observation__project__slug="open", chi_square_sigma=5)
    secret = ProjectFactory(slug="secret", is_restricted=True)
    CandidateFactory(beam__observation__project=secret, chi_square_sigma=99)
    outsider, member = UserFactory(username="olga"), UserFactory(username="mo")
    MembershipFactory(user=member, project=secret, role="viewer")

    def sigma_max_placeholder(user):
        client.force_login(user)
        page = client.get(reverse("catalogue:list")).content.decode()
        field = re.search(r'<input[^>]*name="chi_square_sigma_max"[^>]*>', page)
        return re.search(r'placeholder="([^"]*)"', field.group(0)).group(1)

    assert sigma_max_placeholder(outsider) == "5"
    assert sigma_max_placeholder(member) == "99"
    assert sigma_max_placeholder(outsider) == "5"  # each has its own cache entry
