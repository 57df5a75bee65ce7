"""Streamed exports of the filtered catalogue as CSV and VOTable (SPEC §5).

Both formats carry every `_final.csv` column in its stored unit (positions
deg, fluxes Jy) plus the project, observation, beam and best-beam flag (and
the cone separation in arcsec when a cone search is active), and write the
filter that selected the rows in their header: `# ` comment lines in CSV,
INFO elements and a DESCRIPTION in the VOTable.

Rows are written as they come, so a million-row export never sits in
memory. On PostgreSQL the CSV rows are formatted by the database itself
(`COPY (query) TO STDOUT`, run in a helper thread feeding a small queue):
converting 100,000 rows × 33 columns to Python objects and back to text was
the export's whole cost. Other databases go through a server-side cursor
and the csv module. astropy cannot stream a
VOTable, so it writes the header (fields with units and descriptions) and
the TABLEDATA rows are appended here, escaped, in the same form astropy
writes and reads them.
"""

import csv
import io
import math
import queue
import threading
from xml.sax.saxutils import escape

import numpy as np
from astropy.io.votable import from_table
from astropy.io.votable.tree import Info
from astropy.table import MaskedColumn, Table
from django.db import connections
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from catalogue.survey.columns import FINAL_CSV_COLUMNS

CHUNK_ROWS = 2000
CONTEXT_COLUMNS = (
    # (export name, model path, kind, unit, description)
    ("id", "id", "int", "", "Portal candidate id (/candidates/<id>/)"),
    ("project", "observation__project__slug", "str", "", "Survey project"),
    ("sbid", "observation__sbid", "str", "", "Scheduling block of the observation"),
    ("beam", "beam__index", "int", "", "Beam index (0-35)"),
)
BEST_BEAM = ("is_best_beam", "is_best_beam", "bool", "", "Best beam of its group")
COPY_BUFFER_BYTES = 256 * 1024
COPY_QUEUE_CHUNKS = 8
SEPARATION = (
    "separation_arcsec",
    "separation_arcsec",
    "float",
    "arcsec",
    "Separation from the cone centre",
)
IGNORED_PARAMS = {"page", "per_page", "format", "sort"}
# Units a VOTable FIELD may carry (VOUnits); others go into the description.
VO_UNITS = {"deg", "arcsec", "arcmin", "Jy"}


def export_columns(cone):
    """(name, path, kind, unit, description) of every exported column."""
    columns = list(CONTEXT_COLUMNS)
    columns += [
        (column.name, column.name, column.kind, column.unit, column.help)
        for column in FINAL_CSV_COLUMNS
    ]
    columns.append(BEST_BEAM)
    if cone:
        columns.append(SEPARATION)
    return columns


def describe_filters(params):
    """The query parameters that chose the rows, as `key=value` strings."""
    described = [
        f"{key}={value}"
        for key, values in sorted(params.lists())
        if key not in IGNORED_PARAMS
        for value in values
        if value != ""
    ]
    if "best_beam" not in params or params.get("best_beam") == "":
        described.append("best_beam=on (default)")
    return described


def _rows(queryset, columns):
    paths = [column[1] for column in columns]
    return queryset.values_list(*paths).iterator(chunk_size=CHUNK_ROWS)


class _Echo:
    """A file-like object whose write() hands the line back to the generator."""

    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    return value


def _csv_queryset(queryset, columns):
    """values_list of the CSV columns; the flag spelled "true"/"false"."""
    flag = Case(
        When(is_best_beam=True, then=Value("true")),
        default=Value("false"),
        output_field=CharField(),
    )
    paths = [column[1] for column in columns]
    flag_index = paths.index("is_best_beam")
    paths[flag_index] = "best_beam_text"
    return queryset.annotate(best_beam_text=flag).values_list(*paths)


class _CopyCancelled(Exception):
    """The response was closed before COPY finished."""


def _copy_csv_rows(rows_queryset):
    """Yield CSV text (no header) written by PostgreSQL's COPY TO STDOUT.

    COPY runs in a helper thread on the request's own database connection
    (so it sees the same transaction) and hands 256 KiB pieces over a queue;
    the request thread does not touch the connection until COPY is done.
    """
    connection = connections[rows_queryset.db]
    connection.ensure_connection()
    raw = connection.connection
    sql, params = rows_queryset.query.sql_with_params()
    with raw.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
    pieces = queue.Queue(maxsize=COPY_QUEUE_CHUNKS)
    stop = threading.Event()
    finished = object()

    def hand_over(item):
        while not stop.is_set():
            try:
                pieces.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _CopyCancelled

    class Sink:
        buffer = []
        size = 0

        def write(self, data):
            self.buffer.append(data if isinstance(data, str) else data.decode())
            self.size += len(data)
            if self.size >= COPY_BUFFER_BYTES:
                self.flush()

        def flush(self):
            if self.buffer:
                hand_over("".join(self.buffer))
            self.buffer, self.size = [], 0

    def run():
        sink = Sink()
        try:
            with raw.cursor() as cursor:
                cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", sink)
            sink.flush()
            hand_over(finished)
        except _CopyCancelled:
            pass
        except Exception as exc:  # re-raised in the request thread
            try:
                hand_over(exc)
            except _CopyCancelled:
                pass

    worker = threading.Thread(target=run, name="catalogue-csv-copy", daemon=True)
    worker.start()
    try:
        while True:
            item = pieces.get()
            if item is finished:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _python_csv_rows(rows_queryset):
    """Yield CSV text (no header) through a server-side cursor and csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = rows_queryset.iterator(chunk_size=CHUNK_ROWS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_lines(queryset, params, cone, user, sort):
    """Yield the CSV export: `# ` header lines, the column row, the data."""
    columns = export_columns(cone)
    yield "# Candidate Portal catalogue export\n"
    yield f"# generated: {timezone.now().isoformat(timespec='seconds')} by {user}\n"
    for line in describe_filters(params):
        yield f"# filter: {line}\n"
    yield f"# order: {sort}\n"
    units = ", ".join(f"{name} [{unit}]" for name, _, _, unit, _ in columns if unit)
    yield f"# units: {units}\n"
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow([column[0] for column in columns])
    rows = _csv_queryset(queryset, columns)
    if connections[queryset.db].vendor == "postgresql":
        yield from _copy_csv_rows(rows)
    else:
        yield from _python_csv_rows(rows)


_NUMPY_KINDS = {"int": np.int64, "float": np.float64, "bool": np.bool_, "str": str}


def votable_header(columns, params, user, sort):
    """(opening XML up to <TABLEDATA>, closing XML) generated by astropy."""
    table = Table()
    for name, _, kind, unit, description in columns:
        if unit and unit not in VO_UNITS:
            description = f"{description} [{unit}]"
        table[name] = MaskedColumn(
            np.array([], dtype=_NUMPY_KINDS[kind]),
            unit=unit if unit in VO_UNITS else None,
            description=description,
        )
    votable = from_table(table)
    resource = votable.resources[0]
    resource.infos.append(
        Info(name="generated", value=timezone.now().isoformat(timespec="seconds"))
    )
    resource.infos.append(Info(name="user", value=str(user)))
    filters = describe_filters(params)
    for number, line in enumerate(filters):
        resource.infos.append(Info(ID=f"filter{number}", name="filter", value=line))
    resource.infos.append(Info(name="order", value=sort))
    vo_table = votable.get_first_table()
    vo_table.name = "candidates"
    vo_table.description = "Candidate Portal catalogue export; filters: " + (
        "; ".join(filters)
    )
    for field in vo_table.fields:
        if field.datatype == "unicodeChar":
            field.arraysize = "*"
        elif field.datatype == "bit":
            field.datatype = "boolean"
    output = io.BytesIO()
    votable.to_xml(output)
    text = output.getvalue().decode("utf-8")
    head, tail = text.rsplit("</TABLE>", 1)
    return head + "<DATA>\n<TABLEDATA>\n", "</TABLEDATA>\n</DATA>\n</TABLE>" + tail


def _td(value):
    if value is None:
        return "<TD/>"
    if isinstance(value, bool):
        return "<TD>T</TD>" if value else "<TD>F</TD>"
    if isinstance(value, float):
        return f"<TD>{value!r}</TD>" if math.isfinite(value) else "<TD/>"
    if isinstance(value, int):
        return f"<TD>{value}</TD>"
    return f"<TD>{escape(value)}</TD>"


def votable_chunks(queryset, params, cone, user, sort):
    """Yield a VOTable 1.4 document (TABLEDATA) of the export, chunk by chunk."""
    columns = export_columns(cone)
    head, tail = votable_header(columns, params, user, sort)
    yield head
    lines = []
    for row in _rows(queryset, columns):
        lines.append("<TR>" + "".join(_td(value) for value in row) + "</TR>\n")
        if len(lines) == CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)
    yield tail
