"""Insert many new rows with PostgreSQL COPY (ingest's fast path).

COPY skips Django's per-object insert machinery and the rows are formatted
by the C `csv` writer; on the 2-core machine this is what lets the API
ingest tens of thousands of candidates per second (SPEC §14). Other
databases use `bulk_create` (see `catalogue.ingest.service`).
"""

import csv
import io

from django.db import connection


def can_copy():
    return connection.vendor == "postgresql"


def copy_rows(model, columns, rows, null_columns=()):
    """COPY `rows` (sequences of Python values in `columns` order) into
    `model`'s table, in the current transaction.

    Values are str, int, float, bool or None; None is only allowed in
    `null_columns` (it is written as a quoted empty field that PostgreSQL's
    FORCE_NULL turns into NULL, while "" stays an empty string elsewhere).
    Floats are written with `repr`, so they round-trip exactly.
    """
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
        rows
    )
    buffer.seek(0)
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
