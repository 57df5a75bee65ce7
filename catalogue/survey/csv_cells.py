"""CSV cells and lines for every CSV download of the portal.

Values become cells one way everywhere: NULL and non-finite floats are
empty cells, floats are written with `repr` (they read back exactly),
dates and times in ISO 8601, booleans as `true`/`false`; quoting follows
RFC 4180 (the csv module).

Formula injection: a spreadsheet opening the file treats a cell that starts
with `=`, `+`, `-` or `@` as a formula (and a leading tab or CR can hide
one), so a candidate name or a rater's note could run as one. Every text
cell that starts with one of `FORMULA_STARTS` gets a leading `'`, which
spreadsheets show as text, unless it is a plain signed number or
sexagesimal value (`-45:12:00.0`, `+1.5e-3`: `SIGNED_VALUE`), which no
spreadsheet runs and which astronomers' tools must read unchanged. Numbers
are not text cells, so a negative Dec stays the number -45.2. Rows the
database formats itself (COPY) get the same rule from `neutralised_text`,
applied in the query.
"""

import csv
import datetime
import io
import math
import re

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_GUARD = "'"
# A sign, digits with optional `:`-separated sexagesimal fields, a decimal
# part and an exponent; the same pattern in Python and in the database.
SIGNED_VALUE = r"^[-+][0-9]+(:[0-9]+)*([.][0-9]*)?([eE][-+]?[0-9]+)?$"
_SIGNED_VALUE = re.compile(SIGNED_VALUE)


def text_cell(text):
    """`text`, with a leading `'` when a spreadsheet would read a formula."""
    if text.startswith(FORMULA_STARTS) and not _SIGNED_VALUE.match(text):
        return TEXT_GUARD + text
    return text


def csv_cell(value):
    """One Python value as the text of its CSV cell (before quoting)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return text_cell(str(value))


def neutralised_text(field):
    """Database expression: text `field` with `text_cell`'s leading `'`."""
    formula_start = In(Left(F(field), 1), FORMULA_STARTS)
    signed_value = Q(**{f"{field}__regex": SIGNED_VALUE})
    return Case(
        When(
            formula_start & ~signed_value,
            then=Concat(Value(TEXT_GUARD), F(field)),
        ),
        default=F(field),
        output_field=CharField(),
    )


class CsvLines:
    """Turns rows of Python values into CSV text, chunk by chunk."""

    def __init__(self, lineterminator="\r\n"):
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator=lineterminator)

    def _take(self):
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def line(self, values):
        """One row as CSV text."""
        self._writer.writerow([csv_cell(value) for value in values])
        return self._take()

    def chunks(self, rows, chunk_rows=2000):
        """Yield the CSV text of `rows`, `chunk_rows` rows per piece."""
        for number, values in enumerate(rows, start=1):
            self._writer.writerow([csv_cell(value) for value in values])
            if number % chunk_rows == 0:
                yield self._take()
        if self._buffer.tell():
            yield self._take()
