"""Honest counts: exact when cheap, else an estimate or a count-table bound
that says so, with a one-click exact count (`count=exact`) that falls back
when it takes longer than its statement timeout.

The thresholds are lowered here so the small test catalogue stands for a
million candidates; estimates and statement timeouts are PostgreSQL's.
"""

import re

import pytest
from django.db import connection

from catalogue.browse import pagination
from catalogue.browse.pagination import RowCount, count_rows, timed_count
from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from tests.catalogue.browse.listing_data import CANDIDATE_LINK
from tests.factories import CandidateFactory

LIST_URL = "/catalogue/"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="planner estimates and statement timeouts are PostgreSQL's",
)


@pytest.fixture
def alice(client, catalogue):
    client.force_login(catalogue.users["alice"])
    return catalogue.users["alice"]


def count_text(html):
    """The result count's words, without markup."""
    start = html.index("data-result-count>") + len("data-result-count>")
    text = re.sub(r"<[^>]+>", "", html[start : html.index("</p>", start)])
    return " ".join(text.split())


@postgresql_only
def test_an_estimate_says_so_and_one_click_counts_exactly(client, alice, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    html = client.get(f"{LIST_URL}?per_page=10&page=1").content.decode()
    text = count_text(html)
    assert "(estimated)" in text and "≈" in text and "Count exactly" in text
    link = 'href="?per_page=10&amp;count=exact" data-exact-count'
    assert link in html  # the page number is left out, the filters stay

    html = client.get(f"{LIST_URL}?per_page=10&count=exact").content.decode()
    assert count_text(html).startswith("10 candidates")
    assert "data-exact-count" not in html
    # Candidate links keep the list, not the request to count it.
    assert all("count=" not in link for link in CANDIDATE_LINK.findall(html))


@postgresql_only
def test_an_exact_count_that_takes_too_long_falls_back_to_the_estimate(
    client, alice, monkeypatch
):
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    monkeypatch.setattr(pagination, "timed_count", lambda queryset, ms: None)
    html = client.get(f"{LIST_URL}?per_page=10&count=exact").content.decode()
    assert "(estimated; the exact count took too long)" in count_text(html)
    assert "data-exact-count" not in html


@postgresql_only
@pytest.mark.django_db
def test_the_statement_timeout_cancels_only_the_count(catalogue):
    slow = Candidate.objects.extra(where=["pg_sleep(0.2) IS NOT NULL"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]

    assert timed_count(slow, 50) is None
    assert timed_count(Candidate.objects.all(), 5000) == 12

    with connection.cursor() as cursor:  # the connection works, unchanged
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


@postgresql_only
def test_a_rating_filter_counts_exactly_above_the_limit_never_by_the_planner(
    client, alice, monkeypatch
):
    """Above the limit the rating filters' count is a COUNT(*) under the
    cheap timeout; past it, the page states the count tables' bound."""
    for number in range(11):  # more rated rows than a page: it is counted
        save_rating(CandidateFactory(name=f"R{number}"), alice, Label.TRUE)
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)
    monkeypatch.setattr(pagination, "estimated_rows", pytest.fail)

    html = client.get(f"{LIST_URL}?rating_status=rated&per_page=10").content.decode()
    assert count_text(html).startswith("13 candidates")

    monkeypatch.setattr(pagination, "timed_count", lambda queryset, ms: None)
    html = client.get(f"{LIST_URL}?label=true&per_page=10").content.decode()
    text = count_text(html)
    # 13 candidates have a "true" rating: the count table's exact bound.
    assert text.startswith("at most 13 candidates (bound from the rating counts)")
    assert "Count exactly" in text


@pytest.mark.django_db
def test_counts_are_exact_without_a_planner(catalogue):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite counts every result exactly")
    everything = Candidate.objects.all()
    assert count_rows(everything) == RowCount(12, False)
    assert count_rows(everything, at_most=5) == RowCount(12, False)
    assert count_rows(everything.none()) == RowCount(0, False)
