"""PostgreSQL COPY, both ways: the one place the portal speaks it.

COPY skips Django's per-object machinery and lets C code format the rows.
`copy_rows` inserts many new rows (ingest's fast path; on the 2-core
machine this is what lets the API ingest tens of thousands of candidates
per second, and the synthetic benchmark data load in well under a minute);
`copy_query_csv` streams a queryset out as CSV text, formatted by the
database itself (the catalogue export's fast path: converting 100,000 rows
× 33 columns to Python objects and back to text was the export's whole
cost). Other databases use `bulk_create` and the csv module instead.
"""

import csv
import io
import queue
import threading

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

COPY_OUT_PIECE_BYTES = 256 * 1024
COPY_OUT_QUEUE_PIECES = 8


def can_copy():
    return connection.vendor == "postgresql"


def copy_rows(model, columns, rows, null_columns=()):
    """COPY `rows` (sequences of Python values in `columns` order) into
    `model`'s table, in the current transaction.

    Values are str, int, float, bool, datetime or None; None is only allowed
    in `null_columns` (it is written as a quoted empty field that
    PostgreSQL's FORCE_NULL turns into NULL, while "" stays an empty string
    elsewhere). Floats are written with `repr`, so they round-trip exactly.
    """
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
        rows
    )
    buffer.seek(0)
    _copy_csv(model, columns, buffer, null_columns)


def csv_field_texts(values):
    """One column's values as COPY CSV fields, the way `copy_rows` writes
    them: str quoted (so "" stays an empty string), None as a quoted empty
    field (NULL under FORCE_NULL), numbers with `repr` (exact round trip)
    and bools as True/False.

    Formatting a column at a time keeps the loop in C (`map(repr, ...)`)
    where a csv writer would dispatch on every value's type.
    """
    kinds = set(map(type, values))
    if kinds <= {str}:
        return ['"' + value.replace('"', '""') + '"' for value in values]
    if kinds <= {float, int, bool}:
        return list(map(repr, values))
    if kinds <= {float, int, bool, type(None)}:
        return ['""' if value is None else repr(value) for value in values]
    raise TypeError(f"cannot COPY values of types {sorted(k.__name__ for k in kinds)}")


def copy_columns(model, columns, values_by_column, null_columns=()):
    """COPY rows given column by column (`values_by_column`: one sequence
    per name of `columns`, all of one length) into `model`'s table, in the
    current transaction; values and None as in `copy_rows`."""
    texts = [csv_field_texts(values) for values in values_by_column]
    if not texts or not texts[0]:
        return
    buffer = io.StringIO("\n".join(map(",".join, zip(*texts))) + "\n")
    _copy_csv(model, columns, buffer, null_columns)


def _copy_csv(model, columns, buffer, null_columns):
    quote = connection.ops.quote_name
    options = "FORMAT csv"
    if null_columns:
        options += f", FORCE_NULL ({', '.join(quote(c) for c in null_columns)})"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) FROM STDIN WITH ({options})",
            buffer,
        )


class _CopyCancelled(Exception):
    """The reader went away before COPY finished."""


def copy_query_csv(queryset):
    """Yield the rows of `queryset` as CSV text (no header) from COPY TO STDOUT.

    COPY runs in a helper thread on the queryset's own database connection
    (so it sees the same transaction) and hands 256 KiB pieces over a small
    queue; the calling thread does not touch the connection until COPY is
    done. A queryset that can match nothing (Django proves it empty without
    SQL, e.g. `pk__in=[]`) yields nothing.
    """
    db_connection = connections[queryset.db]
    db_connection.ensure_connection()
    raw = db_connection.connection
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return
    with raw.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
    pieces = queue.Queue(maxsize=COPY_OUT_QUEUE_PIECES)
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
        def __init__(self):
            self.buffer, self.size = [], 0

        def write(self, data):
            self.buffer.append(data if isinstance(data, str) else data.decode())
            self.size += len(data)
            if self.size >= COPY_OUT_PIECE_BYTES:
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
        except Exception as exc:  # re-raised in the reading thread
            try:
                hand_over(exc)
            except _CopyCancelled:
                pass

    worker = threading.Thread(target=run, name="copy-query-csv", daemon=True)
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
