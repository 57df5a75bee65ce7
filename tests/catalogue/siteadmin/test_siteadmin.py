"""Site admin (`/site-admin/`, staff only): storage counts and deletion."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db.models import Sum
from django.urls import reverse

from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Lightcurve,
    Observation,
    Project,
    Upload,
)
from rating.models import Label, Rating, RatingHistory, save_rating
from tests.conftest import DEMO_BEAMS, DEMO_PER_BEAM
from tests.factories import ObservationFactory, UserFactory


@pytest.fixture
def two_observations(ingested, demo_source_dir, staff):
    """The demo observation in project "demo" and again in project "other"."""
    ingest_directory(demo_source_dir, "other", user=staff)
    other = Observation.objects.get(project__slug="other")
    ada, ben = UserFactory(username="ada"), UserFactory(username="ben")
    for observation in (ingested, other):
        first, second = observation.candidates.order_by("id")[:2]
        save_rating(first, ada, Label.TRUE)
        save_rating(first, ben, Label.FALSE)
        save_rating(second, ada, Label.UNSURE)
    return ingested, other


def stored_paths(media_root):
    return {path for path in media_root.rglob("*") if path.is_file()}


def site_admin_urls():
    return [
        reverse("siteadmin:index"),
        reverse("siteadmin:delete_observation", args=[1]),
        reverse("siteadmin:delete_project", args=["demo"]),
    ]


@pytest.mark.parametrize("index", range(3))
def test_anonymous_is_sent_to_login(client, db, index):
    response = client.get(site_admin_urls()[index])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("index", range(3))
@pytest.mark.parametrize("role", ["rater", "editor"])
def test_non_staff_get_403(client, two_observations, request, role, index):
    client.force_login(request.getfixturevalue(role))
    url = site_admin_urls()[index].replace("/1/", f"/{two_observations[0].pk}/")
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Observation.objects.count() == 2


def test_staff_see_counts_from_the_database(client, two_observations, staff):
    demo, _ = two_observations
    client.force_login(staff)
    response = client.get(reverse("siteadmin:index"))
    assert response.status_code == 200
    rows = {row.pk: row for row in response.context["observations"]}
    row = rows[demo.pk]
    assert row.n_beams == DEMO_BEAMS
    assert row.n_candidates == DEMO_BEAMS * DEMO_PER_BEAM
    assert (row.n_rated, row.n_ratings) == (2, 3)
    beam_files = BeamFile.objects.filter(beam__observation=demo)
    candidate_files = CandidateFile.objects.filter(candidate__observation=demo)
    assert row.n_files == beam_files.count() + candidate_files.count() > 0
    assert row.n_bytes == (
        beam_files.aggregate(s=Sum("size"))["s"]
        + candidate_files.aggregate(s=Sum("size"))["s"]
    )
    upload = Upload.objects.filter(observation=demo).latest("created_at")
    assert row.uploaded_at == upload.created_at
    other_row = rows[two_observations[1].pk]
    assert other_row.uploader == "staff"

    projects = {project.slug: project for project in response.context["projects"]}
    assert projects["demo"].n_observations == 1
    assert projects["other"].n_ratings == 3
    assert projects["other"].n_bytes == other_row.n_bytes
    assert response.context["disk"].total > 0
    html = response.content.decode()
    assert "SB50230" in html and "used of" in html


def test_site_admin_query_count_is_constant(
    client, two_observations, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    client.get(reverse("siteadmin:index"))  # warm Wagtail's cached site root paths
    # 5 for the page, 2 for the site header (Wagtail site, menu pages).
    with django_assert_max_num_queries(7) as captured:
        client.get(reverse("siteadmin:index"))
    ObservationFactory.create_batch(4, project=Project.objects.get(slug="demo"))
    with django_assert_max_num_queries(len(captured)):
        client.get(reverse("siteadmin:index"))


def test_delete_observation_removes_rows_and_files_only_of_that_observation(
    client, two_observations, staff, media_root, django_capture_on_commit_callbacks
):
    demo, other = two_observations
    before = stored_paths(media_root)
    demo_prefix = media_root / "surveys" / "demo"
    demo_files = {path for path in before if demo_prefix in path.parents}
    assert demo_files and before - demo_files
    other_counts = (
        Candidate.objects.filter(observation=other).count(),
        Rating.objects.filter(candidate__observation=other).count(),
    )

    client.force_login(staff)
    url = reverse("siteadmin:delete_observation", args=[demo.pk])
    confirmation = client.get(url).content.decode()
    assert f"<strong>{DEMO_BEAMS * DEMO_PER_BEAM}</strong> candidates" in confirmation
    assert "<strong>3</strong> ratings" in confirmation
    assert f"<strong>{len(demo_files)}</strong> stored files" in confirmation
    assert stored_paths(media_root) == before  # GET deletes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Observation.objects.filter(pk=demo.pk).exists()
    assert not Beam.objects.filter(observation_id=demo.pk).exists()
    assert not Candidate.objects.filter(observation_id=demo.pk).exists()
    assert not Lightcurve.objects.filter(candidate__observation_id=demo.pk).exists()
    assert Rating.objects.count() == RatingHistory.objects.count() == 3
    assert stored_paths(media_root) == before - demo_files

    assert (
        Candidate.objects.filter(observation=other).count(),
        Rating.objects.filter(candidate__observation=other).count(),
    ) == other_counts
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.user == staff and "SB50230" in entry.change_message
    assert "SB50230" in client.get(reverse("siteadmin:index")).content.decode()


def test_delete_project_removes_all_its_observations_and_files(
    client, two_observations, staff, media_root, django_capture_on_commit_callbacks
):
    before = stored_paths(media_root)
    other_files = {
        path for path in before if media_root / "surveys" / "other" in path.parents
    }
    client.force_login(staff)
    url = reverse("siteadmin:delete_project", args=["other"])
    assert "<strong>1</strong> observation" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert list(Project.objects.values_list("slug", flat=True)) == ["demo"]
    assert Observation.objects.count() == 1
    assert stored_paths(media_root) == before - other_files
    assert Rating.objects.count() == 3


def test_unknown_targets_are_404(client, db, staff):
    client.force_login(staff)
    assert (
        client.get(reverse("siteadmin:delete_project", args=["nope"])).status_code
        == 404
    )
    url = reverse("siteadmin:delete_observation", args=[424242])
    assert client.post(url).status_code == 404
