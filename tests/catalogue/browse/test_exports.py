"""CSV, ECSV, VOTable and FITS exports of the filtered catalogue, through
their URLs, read back with astropy (and the CSV with the csv module)."""

import csv
import io
import math
from urllib.parse import urlencode

import numpy as np
import pytest
from astropy.io.votable import parse
from astropy.io.votable.ucd import check_ucd
from astropy.table import Table
from django.urls import reverse

from catalogue.browse.exports import csv_name, export_columns
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
    """(header row, rows as dicts); the header must be the first line."""
    text = body.decode("utf-8")
    assert not any(line.startswith("#") for line in text.splitlines())
    header = next(csv.reader(io.StringIO(text)))
    return header, list(csv.DictReader(io.StringIO(text)))


def test_csv_export_starts_with_its_header_and_names_the_units(alice_client, catalogue):
    response, body = export(alice_client, "csv", "project=vast&sort=-chi_square_sigma")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, rows = read_csv(body)
    assert header[:4] == ["id", "project", "sbid", "beam"]
    assert {"ra_deg", "dec_deg", "peak_map_Jy", "deep_sep_arcsec"} <= set(header)
    assert {"beam_sep_deg", "bright_sep_arcmin", "chi_square_sigma"} <= set(header)
    assert {"ra_str", "name", "md_deep", "is_best_beam"} <= set(header)
    assert not {"ra", "peak_map", "deep_sep_arcsec_arcsec"} & set(header)
    assert [row["name"] for row in rows] == ["B1", "A1", "B3", "A3", "A2", "B2"]
    a1 = next(row for row in rows if row["name"] == "A1")
    assert float(a1["peak_map_Jy"]) == 0.010  # stored unit (Jy), full precision
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
    _, rows = read_csv(body)
    assert [row["name"] for row in rows] == ["A1", "A2"]
    assert float(rows[1]["separation_arcsec"]) == pytest.approx(31.18, abs=0.01)


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


@pytest.mark.parametrize("export_format", ["csv", "ecsv", "vot", "fits"])
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


@pytest.mark.parametrize("query", ["beam=35", "name=no-such-candidate"])
def test_empty_selection_is_a_csv_with_only_its_header(alice_client, catalogue, query):
    _, body = export(alice_client, "csv", query)
    lines = body.decode().splitlines()
    assert lines == [",".join(csv_name(column) for column in export_columns(False))]


@pytest.mark.parametrize("export_format", ["ecsv", "fits"])
def test_empty_selection_is_a_valid_empty_table(alice_client, catalogue, export_format):
    _, body = export(alice_client, export_format, "beam=35")
    table = Table.read(io.BytesIO(body), format=TABLE_FORMATS[export_format])
    assert len(table) == 0
    assert table.colnames == [column.name for column in export_columns(False)]


@pytest.mark.parametrize("query", ["beam=35", "name=no-such-candidate"])
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
    assert float(row["dec_deg"]) == -30.0  # a number, not a text cell: no guard
    assert row["is_best_beam"] == "true"


TABLE_FORMATS = {"ecsv": "ascii.ecsv", "fits": "fits", "vot": "votable"}
ALL_ROWS = "best_beam=off&sort=name"


def database_rows(cone=False):
    """The exported columns of every candidate, by name, straight from the DB."""
    paths = [column.path for column in export_columns(cone)]
    return {
        values[paths.index("name")]: values
        for values in Candidate.objects.values_list(*paths)
    }


def same_value(kind, read, stored):
    """Whether a value read back from a file is the stored one exactly."""
    if stored is None:
        return read is np.ma.masked or (kind == "float" and math.isnan(read))
    if kind == "str":
        return ("" if read is np.ma.masked else str(read)) == stored
    if kind == "float":
        return float(read) == stored
    return type(stored)(read) == stored


@pytest.mark.parametrize("export_format", ["ecsv", "vot", "fits"])
def test_astropy_reads_back_every_stored_value_and_unit(
    alice_client, catalogue, export_format
):
    Candidate.objects.filter(name="A2").update(deep_num=None, source_id=None)
    _, body = export(alice_client, export_format, ALL_ROWS)
    table = Table.read(io.BytesIO(body), format=TABLE_FORMATS[export_format])
    columns = export_columns(False)
    stored = database_rows()
    assert table.colnames == [column.name for column in columns]
    assert list(table["name"]) == sorted(stored)
    for column in columns:
        expected_unit = column.unit if column.unit in {"deg", "arcsec", "Jy"} else None
        if column.unit != "arcmin":
            assert (table[column.name].unit or None) == expected_unit, column.name
    assert table["bright_sep_arcmin"].unit == "arcmin"
    nulls = 0
    for row in table:
        values = stored[str(row["name"])]
        for index, column in enumerate(columns):
            nulls += values[index] is None
            assert same_value(column.kind, row[column.name], values[index]), (
                column.name,
                row[column.name],
                values[index],
            )
    assert nulls >= 3  # A2's md_deep, deep_num and source_id at least
    if export_format != "vot":
        assert table["deep_num"].mask[list(table["name"]).index("A2")]


def test_csv_export_holds_every_stored_value(alice_client, catalogue):
    _, body = export(alice_client, "csv", ALL_ROWS)
    _, rows = read_csv(body)
    columns = export_columns(False)
    stored = database_rows()
    assert [row["name"] for row in rows] == sorted(stored)
    for row in rows:
        values = stored[row["name"]]
        for index, column in enumerate(columns):
            cell, value = row[csv_name(column)], values[index]
            if value is None:
                assert cell == ""
            elif column.kind == "float":
                assert float(cell) == value
            elif column.kind == "bool":
                assert cell == ("true" if value else "false")
            else:
                assert cell == str(value)
    table = Table.read(body.decode(), format="ascii.csv")
    assert table.colnames == [csv_name(column) for column in columns]
    assert len(table) == len(stored)


def test_ecsv_carries_provenance_descriptions_and_exact_text(alice_client, catalogue):
    Candidate.objects.filter(name="A1").update(deep_name="=SUM(A1)")
    response, body = export(alice_client, "ecsv", "project=vast&sort=name")
    assert response["Content-Type"].startswith("text/x-ecsv")
    assert response["Content-Disposition"].endswith('.ecsv"')
    assert body.startswith(b"# %ECSV 1.0\n")
    table = Table.read(io.BytesIO(body), format="ascii.ecsv")
    assert table.meta["portal"] == "Candidate Portal"
    assert table.meta["filters"] == ["project=vast", "best_beam=on (default)"]
    assert table.meta["order"] == "name"
    assert table.meta["user"] == "alice"
    assert "/catalogue/export.ecsv?project=vast" in table.meta["query"]
    assert table["peak_map"].description == "Peak flux density in the peak map"
    assert table["chi_square_sigma"].description.endswith("[σ]")
    assert table["is_best_beam"].dtype == bool
    assert table["deep_name"][list(table["name"]).index("A1")] == "=SUM(A1)"


def test_votable_fields_carry_ucds(alice_client, catalogue):
    _, body = export(alice_client, "vot", ALL_ROWS)
    fields = {
        field.name: field for field in parse(io.BytesIO(body)).iter_fields_and_params()
    }
    assert fields["ra"].ucd == "pos.eq.ra;meta.main"
    assert fields["dec"].ucd == "pos.eq.dec;meta.main"
    assert fields["deep_ra_deg"].ucd == "pos.eq.ra"
    assert fields["peak_map"].ucd == "phot.flux.density"
    assert fields["peak_map_sigma"].ucd == "stat.snr"
    assert fields["id"].ucd == "meta.id"
    assert all(
        check_ucd(field.ucd, check_controlled_vocabulary=True)
        for field in fields.values()
    )
    assert sum(field.ucd.endswith("meta.main") for field in fields.values()) == 3


def test_fits_export_has_fits_units_nulls_and_provenance(alice_client, catalogue):
    from astropy.io import fits

    response, body = export(alice_client, "fits", "best_beam=off&name=J22")
    assert response["Content-Type"] == "application/fits"
    with fits.open(io.BytesIO(body)) as hdus:
        header = hdus[1].header
        names = [header[f"TTYPE{n}"] for n in range(1, header["TFIELDS"] + 1)]
        units = {
            header[f"TTYPE{n}"]: header.get(f"TUNIT{n}")
            for n in range(1, header["TFIELDS"] + 1)
        }
        comments = " ".join(str(card) for card in header["COMMENT"])
        sigma = names.index("chi_square_sigma") + 1
        assert header[f"TCOMM{sigma}"].endswith("[sigma]")  # σ: not a FITS unit
        assert header[f"TNULL{names.index('deep_num') + 1}"] == -(2**63)
    assert units["ra"] == "deg" and units["peak_map"] == "Jy"
    assert units["chi_square_sigma"] is None and units["ra_str"] is None
    assert "filter: name=J22" in comments and "user: alice" in comments
    assert header["ORIGIN"] == "Candidate Portal"
    table = Table.read(io.BytesIO(body), format="fits")
    assert sorted(table["name"]) == ["J2214-4500", "J2215-4501"]


def test_catalogue_page_links_every_export_with_the_filter(alice_client, catalogue):
    html = alice_client.get(reverse("catalogue:list") + "?project=vast").content
    for export_format in ("csv", "ecsv", "vot", "fits"):
        url = reverse("catalogue:export", args=[export_format])
        assert f'href="{url}?project=vast"'.encode() in html


@pytest.mark.parametrize("export_format", ["ecsv", "fits"])
def test_cone_export_keeps_separation(alice_client, catalogue, export_format):
    _, body = export(
        alice_client, export_format, "cone_ra=0&cone_dec=90&cone_radius=60"
    )
    table = Table.read(io.BytesIO(body), format=TABLE_FORMATS[export_format])
    assert sorted(table["name"]) == ["B2", "B3"]
    assert table["separation_arcsec"].unit == "arcsec"
    assert all(abs(sep - 36.0) < 0.01 for sep in table["separation_arcsec"])


HOSTILE_NAME = 'J22\n# %ECSV: "x"\x07 é'


def test_ecsv_meta_keeps_any_filter_value(alice_client, catalogue):
    _, body = export(alice_client, "ecsv", urlencode({"name": HOSTILE_NAME}))
    table = Table.read(io.BytesIO(body), format="ascii.ecsv")
    assert f"name={HOSTILE_NAME}" in table.meta["filters"]
    assert len(table) == 0


def test_fits_header_cards_stay_printable_ascii(alice_client, catalogue):
    from astropy.io import fits

    Candidate.objects.filter(name="A1").update(deep_name="Gé\x07")
    _, body = export(alice_client, "fits", urlencode({"name": "A1", "sort": "é\n"}))
    with fits.open(io.BytesIO(body)) as hdus:
        hdus.verify("exception")
        comments = [str(card) for card in hdus[1].header["COMMENT"]]
        table = Table(hdus[1].data)
    assert "filter: name=A1" in comments
    assert list(table["deep_name"]) == ["G??"]


@pytest.mark.parametrize("beam", ["-1", "36", "1e9"])
def test_a_beam_outside_0_to_35_is_refused_before_any_row(alice_client, beam):
    response = alice_client.get(
        reverse("catalogue:export", args=["csv"]) + f"?beam={beam}"
    )
    assert response.status_code == 400
    assert "beam" in response.content.decode()


def test_a_flux_bound_typed_in_mjy_selects_jy_rows_and_says_its_unit(
    alice_client, catalogue
):
    """The catalogue's flux filters take mJy (the table's unit); the export
    holds Jy and its metadata names the unit the bound was typed in."""
    _, body = export(alice_client, "ecsv", "peak_map_max=3&sort=name")
    table = Table.read(io.BytesIO(body), format="ascii.ecsv")
    assert list(table["name"]) == ["A2", "B2", "B3"]
    assert max(table["peak_map"]) == 0.003
    assert "peak_map_max=3 mJy" in table.meta["filters"]
