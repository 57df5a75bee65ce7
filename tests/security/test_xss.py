"""Script payloads in stored text never reach a page unescaped.

Candidate names are checked by a regex on the way in, but deep names, tag
names and rating notes are free text, and rows can arrive by other paths
(the admin, a bulk copy), so the pages must escape whatever is stored. The
rows are made with factories, which skip model validation.
"""

import re

import pytest
from django.urls import reverse

from catalogue.browse.models import CataloguePreference
from catalogue.browse.tables import CHOOSABLE_COLUMNS
from rating.models import Label, save_rating
from tests.factories import CandidateFactory, TagFactory, UserFactory

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
)
MARKUP_PAYLOADS = PAYLOADS[:2]
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.fixture
def hostile(db):
    """One candidate per payload, named with it, with it as deep name, and
    rated by a rater with it as the tag name and the note."""
    rater = UserFactory(username="mallory")
    # Every column on the catalogue page, so the deep name is shown too.
    CataloguePreference.objects.create(
        user=rater, columns=[name for name, _ in CHOOSABLE_COLUMNS]
    )
    candidates = []
    for payload in PAYLOADS:
        candidate = CandidateFactory(name=payload, deep_name=payload)
        tag = TagFactory(name=payload)
        save_rating(candidate, rater, Label.TRUE, tag=tag, notes=payload)
        candidates.append(candidate)
    return rater, candidates


def assert_escaped(html):
    for payload in MARKUP_PAYLOADS:
        assert payload not in html
    assert not SCRIPT_URL.search(html)


def test_html_pages_escape_stored_payloads(client, hostile):
    rater, candidates = hostile
    client.force_login(rater)
    pages = [
        reverse("catalogue:list"),
        reverse("catalogue:list") + "?name=%3Cscript%3E",
        reverse("ratings:summary"),
        reverse("ratings:consensus"),
        *(reverse("rating:candidate", args=[c.pk]) for c in candidates),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html)
        if url.startswith(reverse("catalogue:list")):
            # The payload was on the page, escaped (not merely left out).
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_catalogue_query_values_are_escaped_when_echoed(client, hostile):
    rater, _ = hostile
    client.force_login(rater)
    query = "&".join(
        f"{name}={value}"
        for name, value in (
            ("name", '"><img src=x onerror=alert(1)>'),
            ("cone_ra", "<script>alert(1)</script>"),
            ("peak_map_min", '"><img src=x onerror=alert(1)>'),
            ("sort", '"><img src=x onerror=alert(1)>'),
        )
    )
    response = client.get(f"{reverse('catalogue:list')}?{query}")
    assert response.status_code == 200
    assert_escaped(response.content.decode())


@pytest.mark.parametrize(
    ("export_format", "content_type"),
    [("csv", "text/csv"), ("vot", "application/x-votable+xml")],
)
def test_exports_are_downloads_not_html(client, hostile, export_format, content_type):
    rater, _ = hostile
    client.force_login(rater)
    response = client.get(reverse("catalogue:export", args=[export_format]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode()
    assert "alert(1)" in body  # the rows are there
    if export_format == "vot":
        # XML: the payload is character data, escaped like in HTML.
        assert_escaped(body)
