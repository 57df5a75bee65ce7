"""Behind nginx, the candidate page's downloads and /media/ hand over alike."""

from django.urls import reverse

from catalogue.survey.models import CandidateFile


def test_download_and_media_url_give_nginx_the_same_protected_path(
    rater_client, demo_candidate, monkeypatch
):
    monkeypatch.setenv("MEDIA_ACCEL_REDIRECT", "true")
    stored = CandidateFile.objects.get(candidate=demo_candidate, kind="slices_fits")
    download = rater_client.get(
        reverse("rating:file", args=[demo_candidate.pk, "slices_fits"])
    )
    media = rater_client.get(f"/media/{stored.file.name}")
    assert download.status_code == media.status_code == 200
    expected = f"/protected-media/{stored.file.name}"
    assert download["X-Accel-Redirect"] == media["X-Accel-Redirect"] == expected
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert not download.content and not media.content
