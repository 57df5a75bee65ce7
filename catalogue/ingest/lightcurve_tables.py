"""Parse and validate the pipeline's two lightcurve CSVs of a beam.

A `Time` column (MJD or ISO 8601 UTC) and one column of Jy values per
candidate of the beam's final CSV; a problem raises `IngestError` naming
the file, line and column.
"""

import math
from dataclasses import dataclass, field

from astropy.time import Time

from catalogue.ingest.csv_tables import (
    check_header,
    check_width,
    csv_rows,
    numeric_columns,
    parse_number,
)
from catalogue.ingest.errors import IngestError


@dataclass
class LightcurveData:
    """One candidate's light curve: UTC MJD times, fluxes and local rms in Jy."""

    times_mjd: list = field(default_factory=list)
    peak_flux_jy: list = field(default_factory=list)
    local_rms_jy: list = field(default_factory=list)


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
    """Parse [(line, text), ...] `Time` values at once; bad ones named by line.

    Every time must be finite: `nan` is a float, but not a time.
    """
    times = _parse_times_mjd(time_texts, filename)
    for (line, text), mjd in zip(time_texts, times):
        if not math.isfinite(mjd):
            raise IngestError(
                f"'{text.strip()}' is not a finite time", filename, line, "Time"
            )
    return times


def _parse_times_mjd(time_texts, filename):
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
    rows_iter = csv_rows(data, filename)
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
    check_header(header, ["Time", *names], filename)
    lines, table = [], []
    for line, fields in rows_iter:
        check_width(fields, header, filename, line)
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
