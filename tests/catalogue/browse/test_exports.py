"""CSV and VOTable exports of the filtered catalogue, through their URLs."""

import csv
import io

import pytest
from astropy.io.votable import parse
from astropy.table import Table
from django.urls import reverse

from catalogue.browse.exports import export_columns
from catalogue.survey.columns import COLUMN_NAMES
from catalogue.survey.models import Candidate


@pytest.fixture
def alice_client(client, catalogue):
    client.force_login(catalogue.users["alice"])
    return client


def export(client, export_format, query=""):
    url = reverse("catalogue:export", kwargs={"export_format": export_format})
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def read_csv(body):
    text = body.decode("utf-8")
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    rows = list(csv.DictReader(line for line in text.splitlines() if line[:2] != "# "))
    return comments, rows


def test_csv_export_has_every_column_and_the_filter_in_its_header(
    alice_client, catalogue
):
    response, body = export(alice_client, "csv", "project=vast&sort=-chi_square_sigma")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    comments, rows = read_csv(body)
    assert "# filter: project=vast" in comments
    assert "# filter: best_beam=on (default)" in comments
    assert "# order: -chi_square_sigma" in comments
    assert any(
        line.startswith("# units: ") and "peak_map [Jy]" in line for line in comments
    )
    assert [row["name"] for row in rows] == ["B1", "A1", "B3", "A3", "A2", "B2"]
    assert set(COLUMN_NAMES) <= set(rows[0])
    a1 = next(row for row in rows if row["name"] == "A1")
    assert float(a1["peak_map"]) == 0.010  # stored unit (Jy), full precision
    assert a1["sbid"] == "SB100" and a1["project"] == "vast"
    a2 = next(row for row in rows if row["name"] == "A2")
    assert a2["md_deep"] == ""  # NULL stays empty


def test_csv_export_is_the_whole_filtered_set_not_one_page(alice_client, catalogue):
    _, body = export(alice_client, "csv", "best_beam=off&per_page=10&page=1")
    _, rows = read_csv(body)
    assert len(rows) == 12


def test_csv_cone_export_adds_separation(alice_client, catalogue):
    _, body = export(
        alice_client, "csv", "cone_ra=10&cone_dec=-30&cone_radius=1&cone_unit=arcmin"
    )
    comments, rows = read_csv(body)
    assert [row["name"] for row in rows] == ["A1", "A2"]
    assert float(rows[1]["separation_arcsec"]) == pytest.approx(31.18, abs=0.01)
    assert "# filter: cone_radius=1" in comments


def test_votable_export_parses_with_astropy(alice_client, catalogue):
    response, body = export(alice_client, "vot", "label=true&sort=name")
    assert response["Content-Type"].startswith("application/x-votable+xml")
    table = Table.read(io.BytesIO(body), format="votable")
    assert list(table["name"]) == ["A1", "A2"]
    assert table["peak_map"].unit == "Jy"
    assert table["ra"].unit == "deg"
    assert table["md_deep"].mask[1]  # A2 has no md_deep
    assert bool(table["is_best_beam"][0]) is True
    assert "label=true" in table.meta["description"]


def test_votable_header_carries_the_filter_as_info(alice_client, catalogue):
    _, body = export(alice_client, "vot", "name=J22&best_beam=off")
    text = body.decode()
    assert '<INFO ID="filter0" name="filter" value="best_beam=off"/>' in text
    assert 'value="name=J22"' in text
    table = Table.read(io.BytesIO(body), format="votable")
    assert sorted(table["name"]) == ["J2214-4500", "J2215-4501"]


def test_votable_cone_export_keeps_separation(alice_client, catalogue):
    _, body = export(alice_client, "vot", "cone_ra=0&cone_dec=90&cone_radius=60")
    table = Table.read(io.BytesIO(body), format="votable")
    assert sorted(table["name"]) == ["B2", "B3"]
    assert table["separation_arcsec"].unit == "arcsec"
    assert all(abs(sep - 36.0) < 0.01 for sep in table["separation_arcsec"])


@pytest.mark.parametrize("export_format", ["csv", "vot"])
def test_bad_filter_is_a_400_with_the_reason(alice_client, catalogue, export_format):
    url = reverse("catalogue:export", kwargs={"export_format": export_format})
    response = alice_client.get(f"{url}?cone_ra=1&cone_dec=95&cone_radius=1")
    assert response.status_code == 400
    assert b"Dec must be between" in response.content


def test_exports_need_login(client, catalogue):
    url = reverse("catalogue:export", kwargs={"export_format": "csv"})
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unknown_format_is_404(alice_client):
    assert alice_client.get("/catalogue/export.xlsx").status_code == 404


@pytest.mark.parametrize("query", ["beam=-1", "name=no-such-candidate"])
def test_empty_selection_is_a_csv_with_only_its_header(alice_client, catalogue, query):
    _, body = export(alice_client, "csv", query)
    lines = [line for line in body.decode().splitlines() if line[:2] != "# "]
    assert lines == [",".join(column[0] for column in export_columns(False))]


@pytest.mark.parametrize("query", ["beam=-1", "name=no-such-candidate"])
def test_empty_selection_is_a_valid_empty_votable(alice_client, catalogue, query):
    _, body = export(alice_client, "vot", query)
    table = Table.read(io.BytesIO(body), format="votable")
    assert len(table) == 0
    assert set(COLUMN_NAMES) <= set(table.colnames)


def test_control_characters_in_names_still_give_a_votable(alice_client, catalogue):
    # PostgreSQL text cannot hold NUL; the writer's own tests cover \x00.
    Candidate.objects.filter(name="A1").update(
        name="A1\x07\x1b", deep_name="deep\x1b[31m\x07"
    )
    _, body = export(alice_client, "vot", "label=true&sort=name&name=A1")
    votable = parse(io.BytesIO(body))
    table = votable.get_first_table().to_table()
    assert list(table["name"]) == ["A1\ufffd\ufffd"]
    assert list(table["deep_name"]) == ["deep\ufffd[31m\ufffd"]
    assert "name=A1" in table.meta["description"]


def test_csv_text_cells_cannot_start_a_formula(alice_client, catalogue):
    Candidate.objects.filter(name="A1").update(
        name='=HYPERLINK("http://example.org")',
        deep_name="@SUM(A1)",
        ra_str="+1+cmd|' /C calc'!A0",
        dec_str="-30:00:00.0",
    )
    _, body = export(alice_client, "csv", "sort=name&label=true")
    _, rows = read_csv(body)
    row = next(row for row in rows if row["id"] == str(catalogue.by_name["A1"].pk))
    assert row["name"] == '\'=HYPERLINK("http://example.org")'
    assert row["deep_name"] == "'@SUM(A1)"
    assert row["ra_str"] == "'+1+cmd|' /C calc'!A0"
    assert row["dec_str"] == "-30:00:00.0"  # a signed value, not a formula
    assert float(row["dec"]) == -30.0  # a number, not a text cell: no guard
    assert row["is_best_beam"] == "true"
