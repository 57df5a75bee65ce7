"""Parse and validate the pipeline's `_final.csv` tables, and the CSV reading
the lightcurve tables share (`catalogue.ingest.lightcurve_tables`).

Everything is checked before anything is written: a problem raises
`IngestError` naming the file, line and column.
"""

import csv
import io
import math
import operator
from functools import cache

import numpy as np
from django.db.backends.base.operations import BaseDatabaseOperations

from catalogue.ingest.errors import IngestError
from catalogue.survey.columns import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    FINAL_CSV_COLUMNS,
    ColumnLimits,
    first_bad_value,
)
from catalogue.survey.models import Candidate
from catalogue.survey.pipeline_files import candidate_name_problem

NON_FINITE_TEXT = {
    "",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "infinity",
    "-infinity",
}


def _decode(data, filename):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"is not UTF-8 text ({exc.reason})", filename) from exc


def csv_rows(data, filename):
    """Yield (line number, fields) for every non-blank line, header first."""
    reader = csv.reader(io.StringIO(_decode(data, filename)))
    try:
        for fields in reader:
            if fields:
                yield reader.line_num, fields
    except csv.Error as exc:
        raise IngestError(
            f"is not valid CSV ({exc})", filename, reader.line_num
        ) from exc


@cache
def candidate_column_limits():
    """{column name: `ColumnLimits`} from the `Candidate` field each column fills.

    Text fields give their max_length; integer fields the range PostgreSQL
    (the production database) stores, on every backend, so a value SQLite
    would take is refused in tests exactly as in production.
    """
    limits = {}
    for column in FINAL_CSV_COLUMNS:
        model_field = Candidate._meta.get_field(column.name)
        low, high = BaseDatabaseOperations.integer_field_ranges.get(
            model_field.get_internal_type(), (None, None)
        )
        limits[column.name] = ColumnLimits(model_field.max_length, low, high)
    return limits


def _check_storable(header, columns, lines, filename):
    """Every value fits its column (`first_bad_value`), or `IngestError`."""
    limits = candidate_column_limits()
    for name, values in zip(header, columns):
        bad = first_bad_value(COLUMNS_BY_NAME[name], values, limits[name])
        if bad:
            index, problem = bad
            raise IngestError(problem, filename, lines[index], name)


def _exact_integers(texts):
    """`int` of every text, or None if one is not an integer literal: integers
    above 2**53 lose digits on the way through float."""
    try:
        return list(map(int, texts))
    except ValueError:
        return None


def parse_number(text, filename, line, column, integer=False):
    """Parse a CSV number; non-finite (`nan`, `inf`, empty) becomes None."""
    if integer:
        try:
            return int(text)  # exact, where float would round above 2**53
        except ValueError:
            pass
    try:
        value = float(text)  # fast path: float() itself ignores surrounding blanks
    except ValueError:
        text = text.strip()
        if text.lower() in NON_FINITE_TEXT:
            return None
        raise IngestError(f"'{text}' is not a number", filename, line, column) from None
    if not math.isfinite(value):
        return None
    if integer:
        if value != int(value):
            raise IngestError(
                f"'{text.strip()}' is not a whole number", filename, line, column
            )
        return int(value)
    return value


def check_header(header, expected, filename):
    """Same columns as `expected`, each once (sets: lightcurve CSVs have one
    column per candidate, thousands of them)."""
    header_set, expected_set = set(header), set(expected)
    missing = [name for name in expected if name not in header_set]
    if missing:
        raise IngestError(
            f"missing column(s): {', '.join(missing)}", filename, 1, missing[0]
        )
    extra = [name for name in header if name not in expected_set]
    if extra:
        raise IngestError(
            f"unexpected column(s): {', '.join(extra)}", filename, 1, extra[0]
        )
    duplicated = []
    if len(header_set) != len(header):
        seen = set()
        duplicated = sorted({n for n in header if n in seen or seen.add(n)})
    if duplicated:
        raise IngestError("column appears twice", filename, 1, duplicated[0])


def check_width(fields, header, filename, line):
    if len(fields) != len(header):
        raise IngestError(
            f"expected {len(header)} fields, found {len(fields)} "
            "(truncated or malformed row)",
            filename,
            line,
        )


def _check_position(row, filename, line):
    if row["ra"] is not None and not 0 <= row["ra"] < 360:
        raise IngestError("RA must be in [0, 360) deg", filename, line, "ra")
    if row["dec"] is not None and not -90 <= row["dec"] <= 90:
        raise IngestError("Dec must be in [-90, 90] deg", filename, line, "dec")


def numeric_columns(table, indices):
    """Parse the columns `indices` of a table (rows of str) all at once.

    Returns {index: [float or None for non-finite]}, or None when some cell
    needs the exact per-value parser (blank cells, bad numbers), which then
    names the problem. `map(float, ...)` and numpy keep the loops in C: this
    is the bulk of a large upload's parsing.
    """
    if not indices:
        return {}
    pick = operator.itemgetter(*indices)
    try:
        if len(indices) == 1:
            parsed = [(float(pick(fields)),) for fields in table]
        else:
            parsed = [tuple(map(float, pick(fields))) for fields in table]
    except ValueError:
        return None
    if not parsed:
        return {index: [] for index in indices}
    # One array for the transpose and the finiteness test; `tolist` gives
    # back the very same Python floats.
    array = np.array(parsed, dtype=np.float64)
    columns = {}
    for index, column, finite in zip(
        indices, array.T.tolist(), np.isfinite(array).all(axis=0).tolist()
    ):
        columns[index] = (
            column
            if finite
            else [value if math.isfinite(value) else None for value in column]
        )
    return columns


def _final_columns_fast(header, table):
    """Parsed values of a final CSV, one list per column, via
    `numeric_columns`, or None (see there)."""
    numeric = [i for i, name in enumerate(header) if COLUMNS_BY_NAME[name].is_numeric]
    parsed = numeric_columns(table, numeric)
    if parsed is None:
        return None
    columns = []
    for index, name in enumerate(header):
        if index not in parsed:
            columns.append([fields[index].strip() for fields in table])
            continue
        column = parsed[index]
        if COLUMNS_BY_NAME[name].kind == "int":
            exact = _exact_integers(fields[index] for fields in table)
            if exact is not None:
                column = exact
            elif any(value is not None and value != int(value) for value in column):
                return None
            else:
                column = [None if value is None else int(value) for value in column]
        columns.append(column)
    return columns


def _final_columns_slow(header, table, lines, filename):
    """Parsed values of a final CSV, one list per column, value by value,
    naming the first bad cell."""
    parsers = [
        (name, COLUMNS_BY_NAME[name].is_numeric, COLUMNS_BY_NAME[name].kind == "int")
        for name in header
    ]
    rows = [
        [
            parse_number(text, filename, line, name, integer)
            if numeric
            else text.strip()
            for (name, numeric, integer), text in zip(parsers, fields)
        ]
        for line, fields in zip(lines, table)
    ]
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in header]


def parse_final_csv(data, filename):
    """Parse a `_final.csv` into a list of dicts keyed by candidate field name."""
    rows_iter = csv_rows(data, filename)
    header_line = next(rows_iter, None)
    if header_line is None:
        raise IngestError("is empty (no header line)", filename)
    header = [name.strip() for name in header_line[1]]
    check_header(header, COLUMN_NAMES, filename)
    lines, table = [], []
    for line, fields in rows_iter:
        check_width(fields, header, filename, line)
        lines.append(line)
        table.append(fields)
    columns = _final_columns_fast(header, table)
    if columns is None:
        columns = _final_columns_slow(header, table, lines, filename)
    _check_storable(header, columns, lines, filename)
    rows = [dict(zip(header, values)) for values in zip(*columns)]
    first_line_of = {}
    for line, row in zip(lines, rows):
        name = row["name"]
        if not name:
            raise IngestError("candidate name is empty", filename, line, "name")
        problem = candidate_name_problem(name)
        if problem:
            raise IngestError(
                f"candidate name '{name}' {problem}", filename, line, "name"
            )
        if name in first_line_of:
            raise IngestError(
                f"duplicate candidate name '{name}' "
                f"(first on line {first_line_of[name]})",
                filename,
                line,
                "name",
            )
        first_line_of[name] = line
        _check_position(row, filename, line)
    return rows
