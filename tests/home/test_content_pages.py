"""Each page type renders for anonymous visitors with its content."""

import datetime
import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from home.models import StandardPage
from tests.home.conftest import make_note, publish


def versions_in(html):
    return re.findall(r'class="release-version">([^<]+)<', html)


@pytest.mark.django_db
def test_home_page_shows_intro_and_body_to_anonymous_visitors(client, home):
    home.body = [
        ("heading", "How to vet"),
        ("callout", {"title": "Maintenance", "text": "<p>Down on Friday.</p>"}),
    ]
    home.save_revision().publish()

    html = client.get("/").content.decode()

    assert "Transient candidates found by the survey" in html  # intro
    assert '<h2 class="block-heading">How to vet</h2>' in html
    assert "Maintenance" in html and "Down on Friday." in html
    assert "your ratings" not in html  # figures are for logged-in users only


@pytest.mark.django_db
def test_project_page_renders_every_block(client, project_page):
    response = client.get(project_page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>The survey</h1>" in html
    assert "How candidates are found." in html
    assert "We search a deep field." in html
    assert '<aside class="callout"><h3>Note</h3>' in html
    assert "<figcaption>Thresholds</figcaption>" in html
    assert re.search(r"<th[^>]*>\s*Statistic\s*</th>", html)
    assert "<td>chi-square</td>" in html or re.search(r"<td[^>]*>\s*chi-square", html)
    assert 'href="/catalogue/?rating_status=unrated_by_me&amp;name=J22"' in html, (
        "catalogue link keeps the editor's filters"
    )


@pytest.mark.django_db
def test_release_notes_index_lists_notes_newest_first(client, notes, release_index):
    html = client.get(release_index.url).content.decode()

    assert versions_in(html) == ["1.2.0", "1.1.0", "1.0.0"]
    assert "Changes to the portal." in html
    assert 'type="application/atom+xml"' in html


@pytest.mark.django_db
def test_release_notes_index_hides_unpublished_notes(client, notes, release_index):
    notes[1].unpublish()

    html = client.get(release_index.url).content.decode()

    assert versions_in(html) == ["1.1.0", "1.0.0"]


@pytest.mark.django_db
def test_release_notes_index_paginates(client, release_index, monkeypatch):
    monkeypatch.setattr("home.models.RELEASE_NOTES_PER_PAGE", 2)
    for number in range(3):
        make_note(release_index, f"0.{number}.0", datetime.date(2025, 1, 1 + number))

    first = versions_in(client.get(release_index.url).content.decode())
    second = versions_in(client.get(release_index.url + "?page=2").content.decode())
    beyond = versions_in(client.get(release_index.url + "?page=99").content.decode())
    junk = versions_in(client.get(release_index.url + "?page=abc").content.decode())

    assert first == ["0.2.0", "0.1.0"]
    assert second == ["0.0.0"]
    assert beyond == second  # past the end: the last page
    assert junk == first  # not a number: the first page


@pytest.mark.django_db
def test_release_note_page_shows_version_date_and_body(client, notes):
    response = client.get(notes[1].url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="release-version">1.2.0</span>' in html
    assert "Released 1 June 2026" in html
    assert "Faster catalogue paging." in html
    assert 'href="/release-notes/"' in html  # back to the index


@pytest.mark.django_db
def test_draft_pages_are_not_served(client, release_index):
    note = make_note(release_index, "9.9.9", datetime.date(2026, 1, 1))
    note.unpublish()

    assert client.get("/release-notes/v9-9-9/").status_code == 404


@pytest.mark.django_db
def test_page_images_are_visible_to_anonymous_visitors(client, home, media_root):
    """Media is login-only, so page images go through Wagtail's
    signed image view instead."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    image = Image.objects.create(
        title="Beam map", file=ImageFile(buffer, name="beam-map.png")
    )
    page = publish(
        home,
        StandardPage(
            title="Maps",
            slug="maps",
            body=[("image", {"image": image, "caption": "Beam 0", "attribution": ""})],
        ),
    )

    html = client.get(page.url).content.decode()
    src = re.search(r'<img src="([^"]+)" width="40" height="30" alt="Beam 0"', html)
    response = client.get(src.group(1))

    assert src.group(1).startswith("/images/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client.get("/media/" + image.file.name).status_code == 302  # login
