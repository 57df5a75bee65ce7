"""The candidate page shows what a rater needs, for a constant number of queries."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.survey.models import CandidateFile
from rating.models import Label, Tag, save_rating
from rating.tag_keys import ProjectTagKey
from tests.factories import CandidateFactory, TagFactory


def page(client, candidate, query=""):
    return client.get(reverse("rating:candidate", args=[candidate.pk]) + query)


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login():
    candidate = CandidateFactory()
    response = page(Client(), candidate)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_shows_tables_positions_images_lightcurve_and_downloads(
    rater_client, demo_candidate
):
    response = page(rater_client, demo_candidate)
    html = response.content.decode()

    assert response.status_code == 200
    assert demo_candidate.name in html
    assert "observation start" in html and "2024-03-15 10:22:31 UTC" in html
    # statistics with sigma and log sigma; peak flux shown in mJy
    assert f"{demo_candidate.peak_map * 1e3:.4g}" in html
    assert f"{demo_candidate.chi_square_sigma:.4g}" in html
    # positions in three systems with copy buttons, for candidate/beam/deep
    for label in ("Candidate", "Beam centre", "Deep counterpart"):
        assert f'<th colspan="2">{label}' in html
    assert html.count('class="copy"') == 9
    assert "Galactic l b" in html
    assert demo_candidate.deep_name in html
    # image panels fall back to the preview (no FIREFLY_URL in tests)
    assert (
        reverse("rating:preview", args=[demo_candidate.pk, "deepcutout_fits"]) in html
    )
    assert 'data-frame-count="4"' in html  # the demo GIF has 4 slices
    assert 'class="lightcurve-svg"' in html
    assert "firefly_loader.js" not in html
    # every stored file downloadable under its pipeline name, plus the CSV
    prefix = f"SB50230_beam{demo_candidate.beam.index:02d}"
    assert f"{prefix}_deepcutout_{demo_candidate.name}.fits" in html
    assert f"{prefix}_slices_{demo_candidate.name}.gif" in html
    assert f"{prefix}_chisquare.fits" in html
    assert f"{prefix}_lightcurve_{demo_candidate.name}.csv" in html


def test_page_loads_firefly_with_the_loader_after_the_callback_script(
    rater_client, demo_candidate, settings
):
    settings.FIREFLY_URL = "https://portal.example.org/firefly"
    html = page(rater_client, demo_candidate).content.decode()

    callback = html.index("js/firefly-viewer.js")
    loader = html.index('src="https://portal.example.org/firefly/firefly_loader.js"')
    assert callback < loader
    stored = demo_candidate.files.get(kind=CandidateFile.Kind.DEEPCUTOUT_FITS)
    assert f'"file": "/external/{stored.file.name}"' in html


def test_candidate_without_files_or_lightcurve_shows_placeholders(rater_client):
    candidate = CandidateFactory()
    html = page(rater_client, candidate).content.decode()

    assert "No deep cutout stored." in html
    assert "No slices cube stored." in html
    assert "No slices GIF stored." in html
    assert "No light curve stored for this candidate." in html
    assert "No files stored for this candidate." in html


def test_query_count_is_pinned_and_the_same_for_a_bare_and_a_rich_candidate(
    rater_client, rater, demo_candidate, django_assert_max_num_queries
):
    bare = CandidateFactory(ra=10.0, dec=-60.0)  # no files, one rating
    save_rating(bare, rater, Label.TRUE)
    with CaptureQueriesContext(connection) as bare_queries:
        page(rater_client, bare, "?radius=3600")
    for label in (Label.TRUE, Label.FALSE, Label.UNSURE, Label.TRUE):
        save_rating(demo_candidate, rater, label, tag=TagFactory())
    CandidateFactory.create_batch(
        5, beam=demo_candidate.beam, ra=demo_candidate.ra, dec=demo_candidate.dec
    )
    page(rater_client, demo_candidate)  # warm the preview caches
    # 13 for the page itself, 2 for the team block and history (the
    # candidate's ratings, its comments; the project's rules are cached),
    # 1 for the user's project roles (`catalogue.access`).
    with django_assert_max_num_queries(16) as rich_queries:
        response = page(rater_client, demo_candidate, "?radius=3600")

    assert response.status_code == 200
    assert response.content.decode().count('data-source="candidate"') >= 5
    assert len(rich_queries) == len(bare_queries)


def test_history_lists_every_change_of_my_rating(rater_client, rater, demo_candidate):
    save_rating(demo_candidate, rater, Label.UNSURE, notes="first look")
    save_rating(demo_candidate, rater, Label.TRUE, notes="clear flare")
    html = page(rater_client, demo_candidate).content.decode()

    history = html[html.index('class="history"') :]
    assert history.index("clear flare") < history.index("first look")
    checked = re.findall(
        r'<input type="radio" name="label" value="(\w+)"[^>]*checked', html
    )
    assert checked == ["true"]


def test_file_download_uses_pipeline_name_and_needs_login(rater_client, demo_candidate):
    url = reverse("rating:file", args=[demo_candidate.pk, "slices_fits"])
    assert Client().get(url).status_code == 302

    response = rater_client.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.startswith(b"SIMPLE  =")
    expected = (
        f"SB50230_beam{demo_candidate.beam.index:02d}_slices_{demo_candidate.name}.fits"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert (
        rater_client.get(
            reverse("rating:file", args=[demo_candidate.pk, "no_such_kind"])
        ).status_code
        == 404
    )


def test_lightcurve_csv_in_mjy_since_observation_start(rater_client, demo_candidate):
    response = rater_client.get(
        reverse("rating:lightcurve_csv", args=[demo_candidate.pk])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    lightcurve = demo_candidate.lightcurve

    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == len(lightcurve.times_mjd) == 20
    assert float(rows[0]["seconds_since_start"]) == pytest.approx(5.0, abs=0.01)
    assert float(rows[0]["peak_flux_mjy"]) == pytest.approx(
        lightcurve.peak_flux_jy[0] * 1e3, rel=1e-5
    )
    assert float(rows[0]["local_rms_mjy"]) == pytest.approx(
        lightcurve.local_rms_jy[0] * 1e3, rel=1e-5
    )
    assert rows[0]["time_utc"].startswith("2024-03-15T10:22:36")


def test_lightcurve_zoom_renders_only_the_requested_time_range(
    rater_client, demo_candidate
):
    url = reverse("rating:lightcurve_svg", args=[demo_candidate.pk])
    full = rater_client.get(url).content.decode()
    zoomed = rater_client.get(url + "?t0=50&t1=100").content.decode()

    assert full.count('class="lc-point"') == 20
    assert zoomed.count('class="lc-point"') == 5  # t = 55, 65, ..., 95 s
    assert 'data-t-min="50"' in zoomed
    bad = rater_client.get(url + "?t0=100&t1=50")
    assert bad.status_code == 400 and "error" in bad.json()
    assert rater_client.get(url + "?t0=abc").status_code == 400


def test_number_keys_follow_the_projects_tag_order(rater_client, demo_candidate):
    project = demo_candidate.observation.project
    last, first = Tag.objects.order_by("-id")[0], Tag.objects.order_by("id")[0]
    ProjectTagKey.objects.create(project=project, key=1, tag=last)
    ProjectTagKey.objects.create(project=project, key=2, tag=first)
    html = page(rater_client, demo_candidate).content.decode()
    assert f'<option value="{last.pk}" data-key="1">1 · {last.name}</option>' in html
    assert f'<option value="{first.pk}" data-key="2">2 · {first.name}</option>' in html
    assert html.count("data-key=") == 2
    help_rows = html.split("data-tag-keys>", 1)[1].split("</table>", 1)[0]
    assert help_rows.index(last.name) < help_rows.index(first.name)


def test_without_an_order_the_keys_are_the_first_nine_tags(
    rater_client, demo_candidate
):
    html = page(rater_client, demo_candidate).content.decode()
    tags = list(Tag.objects.order_by("id"))
    assert f'data-key="1">1 · {tags[0].name}<' in html
    assert f'data-key="9">9 · {tags[8].name}<' in html
    assert f'<option value="{tags[9].pk}">{tags[9].name}</option>' in html
