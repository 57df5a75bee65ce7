"""The export writers: XML-safe VOTable, formula-safe CSV cells."""

import csv
import datetime
import io

import pytest
from astropy.io.votable import parse
from astropy.table import Table

from catalogue.survey.csv_cells import CsvLines, csv_cell
from catalogue.survey.votable import VOColumn, votable_stream, xml_text

COLUMNS = [
    VOColumn("name", "str", "", "Name\x07 with a bell"),
    VOColumn("dec", "float", "deg", "Declination"),
    VOColumn("count", "int"),
    VOColumn("flag", "bool"),
]
ILLEGAL = "\x00\x07\x1b\x0b\x0c\ud800\ufffe\uffff"


def _document(rows, **frame):
    return "".join(votable_stream(COLUMNS, rows, chunk_rows=2, **frame)).encode()


def test_xml_text_replaces_only_what_xml_cannot_carry():
    assert xml_text("tab\tlf\ncr\r ok ✓ 𝄞") == "tab\tlf\ncr\r ok ✓ 𝄞"
    assert xml_text(f"a{ILLEGAL}b") == "a" + "\ufffd" * len(ILLEGAL) + "b"


def test_control_characters_in_cells_and_metadata_still_parse():
    rows = [
        (f"J0001{ILLEGAL}<&>", -45.25, 3, True),
        ("plain", float("nan"), None, False),
        (None, None, None, None),
    ]
    body = _document(
        rows,
        table_name="odd\x1bname",
        description="about\x00 this",
        infos=[{"name": "filter", "value": "name=\x07"}],
    )
    votable = parse(io.BytesIO(body))
    assert votable.resources[0].infos[0].value == "name=\ufffd"
    table = Table.read(io.BytesIO(body), format="votable")
    assert table["name"][0] == "J0001" + "\ufffd" * len(ILLEGAL) + "<&>"
    assert table["dec"][0] == -45.25 and table["dec"].unit == "deg"
    assert table["dec"].mask[1] and table["count"].mask[1]
    assert [bool(flag) for flag in table["flag"][:2]] == [True, False]
    assert "about\ufffd this" in table.meta["description"]


def test_no_rows_is_a_valid_empty_table():
    table = Table.read(io.BytesIO(_document([])), format="votable")
    assert len(table) == 0
    assert table.colnames == [column.name for column in COLUMNS]


@pytest.mark.parametrize(
    "value,cell",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "+1"),  # a signed value, which no spreadsheet runs
        ("-45:12:00.0", "-45:12:00.0"),
        ("+1.5e-3", "+1.5e-3"),
        ("-2+3", "'-2+3"),
        ("-1:2:3+cmd", "'-1:2:3+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("J2214-4500", "J2214-4500"),
        ("'already text", "'already text"),
        ("", ""),
        (-45.2, "-45.2"),  # numbers are not text cells
        (-3, "-3"),
        (float("inf"), ""),
        (None, ""),
        (True, "true"),
        (datetime.date(2024, 3, 15), "2024-03-15"),
    ],
)
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


def test_csv_lines_quote_and_chunk():
    lines = CsvLines(lineterminator="\n")
    header = lines.line(["name", "notes", "dec"])
    rows = [(f"J{i}", 'say "=1", then\nstop' if i == 0 else "", -1.5) for i in range(5)]
    chunks = list(lines.chunks(rows, chunk_rows=2))
    assert len(chunks) == 3
    read = list(csv.reader(io.StringIO(header + "".join(chunks), newline="")))
    assert read[0] == ["name", "notes", "dec"]
    assert read[1] == ["J0", 'say "=1", then\nstop', "-1.5"]
    assert len(read) == 6
    assert list(lines.chunks([])) == []
