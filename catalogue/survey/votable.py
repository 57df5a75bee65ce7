"""Streamed VOTable 1.4 documents (TABLEDATA) for every export of the portal.

astropy cannot stream a VOTable, so it writes the frame of an empty table
(FIELDs with datatypes, units and descriptions, INFOs) and the rows are
written here, between `<TABLEDATA>` and `</TABLEDATA>`, in the form astropy
writes and reads them; a million-row export never sits in memory.

XML 1.0 cannot carry control characters other than tab, LF and CR, lone
surrogates, U+FFFE or U+FFFF, not even escaped: a parser stops at the
first one. Candidate names come from pipeline files and notes from raters,
so every text cell and every metadata string (names, descriptions, INFO
values) goes through `xml_text`, which puts U+FFFD in place of each.
"""

import io
import math
import re
from typing import NamedTuple
from xml.sax.saxutils import escape

import numpy as np
from astropy.io.votable import from_table
from astropy.io.votable.tree import Info
from astropy.table import MaskedColumn, Table

# Units a FIELD may carry (VOUnits); other units go into the description.
VO_UNITS = {"deg", "arcsec", "arcmin", "Jy"}
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NUMPY_KINDS = {"int": np.int64, "float": np.float64, "bool": np.bool_, "str": str}


class VOColumn(NamedTuple):
    """One FIELD: `kind` is "int", "float", "bool" or "str"; `unit` and
    `ucd` (what the column holds, for VO tools) may be ""."""

    name: str
    kind: str
    unit: str = ""
    description: str = ""
    ucd: str = ""


def xml_text(text):
    """`text` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return XML_ILLEGAL.sub("\ufffd", str(text))


def votable_frame(columns, table_name="", description="", infos=()):
    """(XML up to and with `<TABLEDATA>`, XML from `</TABLEDATA>` on).

    `infos` are dicts of INFO attributes (name, value, optionally ID) for
    the resource.
    """
    table = Table()
    for column in columns:
        field_description = column.description
        if column.unit and column.unit not in VO_UNITS:
            field_description = f"{field_description} [{column.unit}]"
        table[xml_text(column.name)] = MaskedColumn(
            np.array([], dtype=_NUMPY_KINDS[column.kind]),
            unit=column.unit if column.unit in VO_UNITS else None,
            description=xml_text(field_description) or None,
        )
    votable = from_table(table)
    resource = votable.resources[0]
    for info in infos:
        resource.infos.append(Info(**{**info, "value": xml_text(info["value"])}))
    vo_table = votable.get_first_table()
    if table_name:
        vo_table.name = xml_text(table_name)
    if description:
        vo_table.description = xml_text(description)
    for field, column in zip(vo_table.fields, columns):
        field.ucd = column.ucd or None
        if field.datatype in {"char", "unicodeChar"}:
            field.arraysize = "*"
        elif field.datatype == "bit":
            field.datatype = "boolean"
    output = io.BytesIO()
    votable.to_xml(output)
    text = output.getvalue().decode("utf-8")
    head, tail = text.rsplit("</TABLE>", 1)
    return head + "<DATA>\n<TABLEDATA>\n", "</TABLEDATA>\n</DATA>\n</TABLE>" + tail


def table_cell(value):
    """One `<TD>`: NULL and non-finite numbers are empty cells."""
    if value is None:
        return "<TD/>"
    if isinstance(value, bool):
        return "<TD>T</TD>" if value else "<TD>F</TD>"
    if isinstance(value, float):
        return f"<TD>{value!r}</TD>" if math.isfinite(value) else "<TD/>"
    if isinstance(value, int):
        return f"<TD>{value}</TD>"
    return f"<TD>{escape(xml_text(value))}</TD>"


def votable_stream(columns, rows, chunk_rows=2000, **frame):
    """Yield a whole VOTable document: the frame's head, rows, the tail.

    `rows` are sequences of values in `columns` order; `frame` goes to
    `votable_frame` (table_name, description, infos). Rows leave in chunks
    of `chunk_rows`; no rows give a valid, empty table.
    """
    head, tail = votable_frame(columns, **frame)
    yield head
    lines = []
    for row in rows:
        lines.append("<TR>" + "".join(table_cell(value) for value in row) + "</TR>\n")
        if len(lines) == chunk_rows:
            yield "".join(lines)
            lines = []
    yield "".join(lines) + tail
