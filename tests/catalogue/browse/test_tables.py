"""The catalogue table writes its columns' django-tables2 `attrs`."""

import re

import pytest
from django.utils.html import escape

from catalogue.browse.tables import CandidateTable
from catalogue.survey.columns import FINAL_CSV_COLUMNS

LIST_URL = "/catalogue/"
PEAK_HELP = next(
    column.help for column in FINAL_CSV_COLUMNS if column.name == "peak_map"
)


@pytest.fixture
def alice(client, catalogue):
    client.force_login(catalogue.users["alice"])
    return catalogue.users["alice"]


def header_cell(html, text):
    match = re.search(rf"<th ([^>]*)><a [^>]*>{re.escape(text)}</a></th>", html)
    assert match, f"no header {text!r}"
    return match.group(1)


def test_header_and_cells_carry_the_column_attrs(client, alice):
    html = client.get(f"{LIST_URL}?sort=-peak_map").content.decode()
    peak = header_cell(html, "Peak (mJy)")
    assert f'title="{escape(PEAK_HELP)}"' in peak
    assert 'class="desc orderable"' in peak  # ordering classes from tables2
    assert 'class="orderable"' in header_cell(html, "Observation")
    assert '<td class="name"><a href="/candidates/' in html
    assert '<td class="num">10.00</td>' in html  # A1's peak, 0.010 Jy in mJy
    assert '<td class="empty">—</td>' in html  # a NULL value


def test_changed_column_attrs_reach_the_page(client, alice, monkeypatch):
    column = CandidateTable.base_columns["peak_map"]
    monkeypatch.setattr(
        column,
        "attrs",
        {
            "th": {"title": "Peak", "data-unit": "mJy"},
            "td": {"class": "num peak", "data-unit": "mJy"},
        },
    )
    html = client.get(LIST_URL).content.decode()
    assert 'data-unit="mJy"' in header_cell(html, "Peak (mJy)")
    assert '<td class="num peak" data-unit="mJy">10.00</td>' in html
    # C3 has no peak: the empty marker keeps the other attributes.
    assert '<td class="empty" data-unit="mJy">—</td>' in html


def test_table_attrs_are_written(client, alice, monkeypatch):
    monkeypatch.setattr(
        CandidateTable._meta,
        "attrs",
        {"class": "data-table catalogue-table", "id": "t"},
    )
    html = client.get(LIST_URL).content.decode()
    assert '<table class="data-table catalogue-table" id="t">' in html
