"""Parse and validate the pipeline's CSV tables (SPEC §4).

Everything is checked before anything is written: a problem raises
`IngestError` naming the file, line and column.
"""

import csv
import io
import math
import operator
from dataclasses import dataclass, field

from astropy.time import Time

from catalogue.ingest.errors import IngestError
from catalogue.survey.columns import COLUMN_NAMES, COLUMNS_BY_NAME
from catalogue.survey.models import CANDIDATE_NAME_VALIDATOR

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


@dataclass
class LightcurveData:
    """One candidate's light curve: UTC MJD times, fluxes and local rms in Jy."""

    times_mjd: list = field(default_factory=list)
    peak_flux_jy: list = field(default_factory=list)
    local_rms_jy: list = field(default_factory=list)


def _decode(data, filename):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"is not UTF-8 text ({exc.reason})", filename) from exc


def _rows(data, filename):
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


def parse_number(text, filename, line, column, integer=False):
    """Parse a CSV number; non-finite (`nan`, `inf`, empty) becomes None."""
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


def _check_header(header, expected, filename):
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


def _check_width(fields, header, filename, line):
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
    names the problem. `map(float, ...)` and `zip` keep the loops in C: this
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
    columns = {}
    for index, column in zip(indices, zip(*parsed) if parsed else [()] * len(indices)):
        if all(map(math.isfinite, column)):
            columns[index] = list(column)
        else:
            columns[index] = [
                value if math.isfinite(value) else None for value in column
            ]
    return columns


def _final_rows_fast(header, table):
    """Row dicts of a final CSV via `numeric_columns`, or None (see there)."""
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
            if any(value is not None and value != int(value) for value in column):
                return None
            column = [None if value is None else int(value) for value in column]
        columns.append(column)
    return [dict(zip(header, values)) for values in zip(*columns)]


def _final_rows_slow(header, table, lines, filename):
    """Row dicts of a final CSV, value by value, naming the first bad cell."""
    parsers = [
        (name, COLUMNS_BY_NAME[name].is_numeric, COLUMNS_BY_NAME[name].kind == "int")
        for name in header
    ]
    rows = []
    for line, fields in zip(lines, table):
        row = {}
        for (name, numeric, integer), text in zip(parsers, fields):
            if numeric:
                row[name] = parse_number(text, filename, line, name, integer)
            else:
                row[name] = text.strip()
        rows.append(row)
    return rows


def parse_final_csv(data, filename):
    """Parse a `_final.csv` into a list of dicts keyed by candidate field name."""
    rows_iter = _rows(data, filename)
    header_line = next(rows_iter, None)
    if header_line is None:
        raise IngestError("is empty (no header line)", filename)
    header = [name.strip() for name in header_line[1]]
    _check_header(header, COLUMN_NAMES, filename)
    lines, table = [], []
    for line, fields in rows_iter:
        _check_width(fields, header, filename, line)
        lines.append(line)
        table.append(fields)
    rows = _final_rows_fast(header, table)
    if rows is None:
        rows = _final_rows_slow(header, table, lines, filename)
    first_line_of = {}
    for line, row in zip(lines, rows):
        name = row["name"]
        if not name:
            raise IngestError("candidate name is empty", filename, line, "name")
        if not CANDIDATE_NAME_VALIDATOR.regex.match(name):
            raise IngestError(
                f"'{name}' is not a valid candidate name", filename, line, "name"
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


def parse_time_mjd(text, filename, line):
    """Parse a lightcurve `Time` value: a number is MJD, text is ISO 8601 UTC."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(Time(text, format="isot", scale="utc").mjd)
    except ValueError:
        raise IngestError(
            f"'{text}' is neither MJD nor ISO time", filename, line, "Time"
        ) from None


def parse_times_mjd(time_texts, filename):
    """Parse [(line, text), ...] `Time` values at once; bad ones named by line."""
    texts = [text.strip() for _, text in time_texts]
    if not texts:
        return []
    try:
        return [float(text) for text in texts]
    except ValueError:
        pass
    try:
        return [float(mjd) for mjd in Time(texts, format="isot", scale="utc").mjd]
    except ValueError:
        return [parse_time_mjd(text, filename, line) for line, text in time_texts]


def parse_lightcurve_csv(data, filename, candidate_names):
    """Parse one lightcurve CSV (`Time` + one column per candidate name).

    Returns (times_mjd, {name: [value in Jy or None, ...]}). Every column
    other than `Time` must name a candidate of the beam's final CSV.
    """
    rows_iter = _rows(data, filename)
    header_line = next(rows_iter, None)
    if header_line is None:
        raise IngestError("is empty (no header line)", filename)
    header = [name.strip() for name in header_line[1]]
    if "Time" not in header:
        raise IngestError("missing column(s): Time", filename, 1, "Time")
    names = [name for name in header if name != "Time"]
    unknown = [name for name in names if name not in candidate_names]
    if unknown:
        raise IngestError(
            f"column '{unknown[0]}' is not a candidate of the final CSV",
            filename,
            1,
            unknown[0],
        )
    _check_header(header, ["Time", *names], filename)
    lines, table = [], []
    for line, fields in rows_iter:
        _check_width(fields, header, filename, line)
        lines.append(line)
        table.append(fields)
    time_index = header.index("Time")
    time_texts = [(line, fields[time_index]) for line, fields in zip(lines, table)]
    value_indices = [i for i, name in enumerate(header) if name != "Time"]
    parsed = numeric_columns(table, value_indices)
    if parsed is not None:
        series = {header[index]: parsed[index] for index in value_indices}
    else:
        series = {header[index]: [] for index in value_indices}
        for line, fields in zip(lines, table):
            for index in value_indices:
                name = header[index]
                series[name].append(parse_number(fields[index], filename, line, name))
    return parse_times_mjd(time_texts, filename), series


def parse_lightcurves(peak_data, peak_name, rms_data, rms_name, candidate_names):
    """Combine the peak-flux and local-rms CSVs into `LightcurveData` per candidate.

    Either file may be absent (None); when both are present their `Time`
    columns must agree.
    """
    result = {}
    peak_times, peak_series = ([], {})
    if peak_data is not None:
        peak_times, peak_series = parse_lightcurve_csv(
            peak_data, peak_name, candidate_names
        )
    rms_times, rms_series = ([], {})
    if rms_data is not None:
        rms_times, rms_series = parse_lightcurve_csv(
            rms_data, rms_name, candidate_names
        )
    if peak_data is not None and rms_data is not None:
        if len(peak_times) != len(rms_times) or any(
            abs(a - b) > 1e-9 for a, b in zip(peak_times, rms_times)
        ):
            raise IngestError(
                f"Time column differs from {peak_name}", rms_name, None, "Time"
            )
    times = peak_times or rms_times
    for name in set(peak_series) | set(rms_series):
        result[name] = LightcurveData(
            times_mjd=list(times),
            peak_flux_jy=peak_series.get(name, [None] * len(times)),
            local_rms_jy=rms_series.get(name, [None] * len(times)),
        )
    return result
