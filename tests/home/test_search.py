"""Page search for everyone; candidate lookup from the header for raters."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import CandidateFactory
from tests.home.conftest import make_note


@pytest.mark.django_db
def test_page_search_finds_release_notes_by_body_text(
    client, release_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_note(
            release_index,
            "3.0.0",
            datetime.date(2026, 2, 2),
            text="<p>Cone search now accepts sexagesimal positions.</p>",
            title="Better cone search",
        )
        make_note(release_index, "3.1.0", datetime.date(2026, 3, 3))

    html = client.get(reverse("search"), {"q": "sexagesimal"}).content.decode()

    assert "Better cone search" in html
    assert "Release 3.1.0" not in html


@pytest.mark.django_db
def test_page_search_without_query_or_matches(client, home):
    assert client.get(reverse("search")).status_code == 200
    html = client.get(reverse("search"), {"q": "zzzzqqq"}).content.decode()
    assert "No pages match" in html


@pytest.mark.django_db
def test_anonymous_header_searches_pages(client, home):
    html = client.get("/").content.decode()
    assert f'action="{reverse("search")}"' in html
    assert f'action="{reverse("lookup")}"' not in html


@pytest.mark.django_db
def test_candidate_lookup_needs_login(client):
    response = client.get(reverse("lookup"), {"q": "J2214"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def named(db):
    """Candidates J221400-450000, J221401-450000 and a non-best-beam twin."""
    first = CandidateFactory(name="J221400-450000")
    second = CandidateFactory(name="J221401-450000")
    CandidateFactory(name="J221400-450000x", is_best_beam=False)
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, target",
    [
        ("J221400-450000", "first"),  # exact name
        ("j221401", "second"),  # unique prefix, any case
        (" J221400-450000 ", "first"),  # stray spaces
    ],
)
def test_lookup_jumps_to_the_one_matching_candidate(
    client, rater, named, query, target
):
    client.force_login(rater)
    candidate = named[0] if target == "first" else named[1]

    response = client.get(reverse("lookup"), {"q": query})

    assert response.status_code == 302
    assert response["Location"] == candidate.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["J2214", "nothing-like-this", "a&b=c"])
def test_lookup_sends_ambiguous_or_unknown_names_to_the_catalogue(
    client, rater, named, query
):
    client.force_login(rater)

    response = client.get(reverse("lookup"), {"q": query})

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("catalogue:list") + "?name=")
    follow = client.get(location)
    assert follow.status_code == 200
    assert follow.wsgi_request.GET["name"] == query


@pytest.mark.django_db
def test_empty_lookup_goes_to_the_catalogue(client, rater):
    client.force_login(rater)
    response = client.get(reverse("lookup"), {"q": "  "})
    assert response["Location"] == reverse("catalogue:list")


@pytest.mark.django_db
def test_logged_in_header_looks_up_candidates(client, rater, home):
    client.force_login(rater)
    html = client.get("/").content.decode()
    assert f'action="{reverse("lookup")}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"q": "a\x00b"}, {"q": "\x00"}])
def test_page_search_refuses_a_nul_character(client, home, params):
    """PostgreSQL refuses NUL in text (a 500 before); SQLite's FTS5 chokes too."""
    response = client.get(reverse("search"), params)

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ['"', 'radio "survey', "(", "a OR", "*", "-"])
def test_page_search_takes_query_syntax_as_plain_text(client, home, query):
    response = client.get(reverse("search"), {"q": query})

    assert response.status_code == 200


@pytest.mark.django_db
def test_page_search_ignores_a_bad_page_number(client, home):
    response = client.get(reverse("search"), {"q": "radio", "page": "\x00"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_candidate_lookup_refuses_a_nul_character(client, rater, named):
    client.force_login(rater)

    response = client.get(reverse("lookup"), {"q": "J2214\x00"})

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
