"""Downloads of the ratings summary (SPEC §7): ratings zip and training set.

Both are produced while they are sent: rows come from the database in
chunks (`.iterator()`), pass through `csv.writer` (which quotes notes with
commas, quotes and newlines per RFC 4180) and leave as soon as a chunk is
written, so memory stays flat however many ratings are selected. The
VOTable is written by astropy to a spooled temporary file first (astropy
writes whole tables), then streamed from there.
"""

import csv
import io
import math
import re
import zipfile
from xml.sax.saxutils import escape

import numpy as np
from astropy.io.votable import from_table
from astropy.table import Table
from django.db.models import Count

from catalogue.survey.columns import FINAL_CSV_COLUMNS
from catalogue.survey.models import Candidate
from rating.consensus import consensus_of_ratings
from rating.models import Tag

CHUNK = 2000  # rows fetched from the database at a time

RATING_FIELDS = (
    ("rating_id", "id"),
    ("project", "candidate__observation__project__slug"),
    ("sbid", "candidate__observation__sbid"),
    ("beam", "candidate__beam__index"),
    ("candidate_id", "candidate_id"),
    ("candidate_name", "candidate__name"),
    ("ra_deg", "candidate__ra"),
    ("dec_deg", "candidate__dec"),
    ("user", "user__username"),
    ("label", "label"),
    ("tag", "tag__name"),
    ("notes", "notes"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
TAG_HEADER = ("tag_id", "name", "description", "created_by", "created_at", "ratings")
CONSENSUS_HEADER = (
    "n_raters",
    "n_true",
    "n_false",
    "n_unsure",
    "consensus_label",
    "agreement",
)
IDENTITY_HEADER = ("candidate_id", "project", "sbid", "beam")
FEATURE_NAMES = tuple(column.name for column in FINAL_CSV_COLUMNS)
VO_UNITS = {"deg": "deg", "Jy": "Jy", "arcmin": "arcmin", "arcsec": "arcsec"}


class _Pipe:
    """A write-only file whose contents are taken out piece by piece."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class _Lines:
    """`csv.writer` target that collects text lines."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def take(self):
        text = "".join(self.parts)
        self.parts.clear()
        return text


DATETIME_COLUMNS = tuple(
    index for index, (name, _) in enumerate(RATING_FIELDS) if name.endswith("_at")
)


def ratings_csv_lines(ratings):
    """Text chunks of `ratings.csv` (header first), CHUNK rows at a time."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(name for name, _ in RATING_FIELDS)
    yield lines.take()
    rows = (
        ratings.order_by("id")
        .values_list(*(field for _, field in RATING_FIELDS))
        .iterator(chunk_size=CHUNK)
    )
    for number, row in enumerate(rows, start=1):
        row = list(row)  # csv writes None as an empty cell; dates as ISO 8601
        for index in DATETIME_COLUMNS:
            row[index] = row[index].isoformat()
        writer.writerow(row)
        if number % CHUNK == 0:
            yield lines.take()
    yield lines.take()


def tags_csv_text(ratings):
    """`tags.csv`: every tag with how many of the selected ratings carry it."""
    used = dict(
        ratings.order_by()
        .filter(tag__isnull=False)
        .values("tag")
        .annotate(n=Count("id"))
        .values_list("tag", "n")
    )
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(TAG_HEADER)
    for tag in Tag.objects.select_related("created_by").order_by("name"):
        writer.writerow(
            (
                tag.pk,
                tag.name,
                tag.description,
                tag.created_by.get_username() if tag.created_by else "",
                tag.created_at.isoformat(),
                used.get(tag.pk, 0),
            )
        )
    return lines.take()


def ratings_zip_stream(ratings):
    """Bytes of a zip holding `ratings.csv` and `tags.csv`, yielded as written."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("ratings.csv", mode="w") as member:
            for text in ratings_csv_lines(ratings):
                member.write(text.encode("utf-8"))
                yield pipe.take()
        archive.writestr("tags.csv", tags_csv_text(ratings))
        yield pipe.take()
    yield pipe.take()


def _training_rows(ratings):
    """(identity, features, consensus) tuples of every candidate rated in `ratings`.

    Consensus rows are read in candidate order, CHUNK at a time, and each
    chunk's candidate features come from one query.
    """
    consensus = consensus_of_ratings(ratings).order_by("candidate")
    chunk = []
    for row in consensus.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _with_features(chunk)
            chunk = []
    if chunk:
        yield from _with_features(chunk)


def _with_features(consensus_rows):
    candidates = (
        Candidate.objects.filter(pk__in=[row["candidate"] for row in consensus_rows])
        .order_by()
        .values_list(
            "pk",
            "observation__project__slug",
            "observation__sbid",
            "beam__index",
            *FEATURE_NAMES,
        )
    )
    by_pk = {values[0]: values for values in candidates}
    for row in consensus_rows:
        values = by_pk[row["candidate"]]
        yield (
            values[:4],
            values[4:],
            (
                row["n_raters"],
                row["n_true"],
                row["n_false"],
                row["n_unsure"],
                row["consensus"] or "",
                row["agreement"],
            ),
        )


def training_set_csv_stream(ratings):
    """CSV text chunks: identity, the 27 `_final.csv` features, consensus."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(IDENTITY_HEADER + FEATURE_NAMES + CONSENSUS_HEADER)
    yield lines.take()
    for number, (identity, features, consensus) in enumerate(
        _training_rows(ratings), start=1
    ):
        writer.writerow((*identity, *features, *consensus))  # None → empty cell
        if number % CHUNK == 0:
            yield lines.take()
    yield lines.take()


IDENTITY_KINDS = ("int", "str", "str", "int")
CONSENSUS_KINDS = ("int", "int", "int", "int", "str", "float")
NUMPY_KINDS = {"int": np.int64, "float": np.float64, "str": str}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _votable_frame():
    """The VOTable text before and after the rows (FIELDs with units, help)."""
    table = Table()
    columns = (
        [(name, kind, "", "") for name, kind in zip(IDENTITY_HEADER, IDENTITY_KINDS)]
        + [(c.name, c.kind, c.unit, c.help) for c in FINAL_CSV_COLUMNS]
        + [
            (name, kind, "", "")
            for name, kind in zip(CONSENSUS_HEADER, CONSENSUS_KINDS)
        ]
    )
    for name, kind, unit, help_text in columns:
        table[name] = np.array([], dtype=NUMPY_KINDS[kind])
        if unit in VO_UNITS:
            table[name].unit = VO_UNITS[unit]
        if help_text:
            table[name].description = help_text
    table["agreement"].description = "Share of raters who chose the consensus label"
    table[
        "consensus_label"
    ].description = "Most chosen label of the selected ratings (empty on a tie)"
    votable = from_table(table)
    for field in votable.get_first_table().fields:
        if field.datatype in {"char", "unicodeChar"}:
            field.arraysize = "*"
    buffer = io.BytesIO()
    votable.to_xml(buffer)
    text = buffer.getvalue().decode("utf-8")
    cut = text.rindex("</TABLE>")
    return text[:cut] + "<DATA><TABLEDATA>\n", "</TABLEDATA></DATA>\n" + text[cut:]


def _td(value):
    """One TABLEDATA cell; NULL and non-finite numbers are empty cells."""
    if value is None:
        return "<TD/>"
    if isinstance(value, float):
        return f"<TD>{value!r}</TD>" if math.isfinite(value) else "<TD/>"
    if isinstance(value, str):
        return f"<TD>{escape(XML_ILLEGAL.sub('', value))}</TD>"
    return f"<TD>{value}</TD>"


def training_set_votable_stream(ratings):
    """The training set as VOTable 1.4 TABLEDATA, CHUNK rows per piece.

    astropy writes the header (FIELD types, units, descriptions); the rows
    are written here so the file streams instead of being built in memory.
    """
    head, tail = _votable_frame()
    yield head
    rows = []
    for identity, features, consensus in _training_rows(ratings):
        cells = "".join(_td(value) for value in (*identity, *features, *consensus))
        rows.append(f"<TR>{cells}</TR>\n")
        if len(rows) == CHUNK:
            yield "".join(rows)
            rows = []
    yield "".join(rows) + tail
