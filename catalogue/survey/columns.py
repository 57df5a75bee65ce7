"""The pipeline's `_final.csv` columns, their meaning and the values they take.

One table drives the model fields, the CSV parser, the catalogue's range
filters and tooltips, and the exports, so the column list lives in one place.
`first_bad_value` is the one rule every parsed value meets before it is
written. Pure Python with no Django import: the standalone upload client
loads this file to check a directory before sending it; the server passes
the limits of the database fields (`ColumnLimits`), which the client cannot
know.

Each column's UCD (IVOA Unified Content Descriptor, 1.5) tells VO tools
(TOPCAT, Aladin) what it holds: `pos.eq.ra;meta.main` and
`pos.eq.dec;meta.main` mark the candidate's own position, other positions
are plain `pos.eq.ra`/`pos.eq.dec`, separations `pos.angDistance`, flux
densities `phot.flux.density`, significances `stat.snr`, names and numbers
`meta.id`.
"""

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One `_final.csv` column: its type, unit and a one-line explanation."""

    name: str
    kind: str  # "float", "int" or "str"
    unit: str
    help: str
    ucd: str = ""

    @property
    def is_numeric(self):
        return self.kind in {"float", "int"}


FINAL_CSV_COLUMNS = (
    Column(
        "source_id",
        "int",
        "",
        "Source number within the beam's final catalogue",
        "meta.id",
    ),
    Column(
        "name", "str", "", "Candidate name, unique within a beam", "meta.id;meta.main"
    ),
    Column("ra_str", "str", "hms", "Right ascension, sexagesimal (ICRS)", "pos.eq.ra"),
    Column("dec_str", "str", "dms", "Declination, sexagesimal (ICRS)", "pos.eq.dec"),
    Column(
        "ra",
        "float",
        "deg",
        "Right ascension of the candidate (ICRS)",
        "pos.eq.ra;meta.main",
    ),
    Column(
        "dec",
        "float",
        "deg",
        "Declination of the candidate (ICRS)",
        "pos.eq.dec;meta.main",
    ),
    Column(
        "chi_square",
        "float",
        "",
        "Chi-square of the light curve against a constant",
        "stat.fit.chi2",
    ),
    Column(
        "chi_square_log_sigma",
        "float",
        "",
        "Log10 significance of the chi-square",
        "stat.snr",
    ),
    Column(
        "chi_square_sigma", "float", "σ", "Significance of the chi-square", "stat.snr"
    ),
    Column(
        "peak_map",
        "float",
        "Jy",
        "Peak flux density in the peak map",
        "phot.flux.density",
    ),
    Column(
        "peak_map_log_sigma", "float", "", "Log10 significance of the peak", "stat.snr"
    ),
    Column("peak_map_sigma", "float", "σ", "Significance of the peak", "stat.snr"),
    Column(
        "gaussian_map",
        "float",
        "",
        "Gaussian-fit statistic in the slices",
        "stat.fit.goodness",
    ),
    Column(
        "gaussian_map_sigma",
        "float",
        "σ",
        "Significance of the Gaussian-fit statistic",
        "stat.snr",
    ),
    Column(
        "std_map",
        "float",
        "Jy",
        "Standard deviation in the std map",
        "stat.stdev;phot.flux.density",
    ),
    Column(
        "bright_sep_arcmin",
        "float",
        "arcmin",
        "Separation to the nearest bright source",
        "pos.angDistance",
    ),
    Column(
        "beam_ra",
        "float",
        "deg",
        "Right ascension of the beam centre",
        "pos.eq.ra;instr.beam",
    ),
    Column(
        "beam_dec",
        "float",
        "deg",
        "Declination of the beam centre",
        "pos.eq.dec;instr.beam",
    ),
    Column(
        "beam_sep_deg",
        "float",
        "deg",
        "Separation from the beam centre",
        "pos.angDistance;instr.beam",
    ),
    Column(
        "deep_ra_deg",
        "float",
        "deg",
        "Right ascension of the deep-image counterpart",
        "pos.eq.ra",
    ),
    Column(
        "deep_dec_deg",
        "float",
        "deg",
        "Declination of the deep-image counterpart",
        "pos.eq.dec",
    ),
    Column(
        "deep_sep_arcsec",
        "float",
        "arcsec",
        "Separation to the deep-image counterpart",
        "pos.angDistance",
    ),
    Column(
        "deep_name", "str", "", "Name of the deep-image counterpart", "meta.id.cross"
    ),
    Column("deep_num", "int", "", "Number of deep-image sources nearby", "meta.number"),
    Column(
        "deep_peak_flux",
        "float",
        "Jy",
        "Peak flux density of the deep counterpart",
        "phot.flux.density",
    ),
    Column(
        "deep_int_flux",
        "float",
        "Jy",
        "Integrated flux density of the deep counterpart",
        "phot.flux.density",
    ),
    Column(
        "md_deep",
        "float",
        "",
        "Modulation index against the deep image",
        "src.var.index",
    ),
)

COLUMN_NAMES = tuple(column.name for column in FINAL_CSV_COLUMNS)
COLUMNS_BY_NAME = {column.name: column for column in FINAL_CSV_COLUMNS}
NUMERIC_COLUMNS = tuple(column for column in FINAL_CSV_COLUMNS if column.is_numeric)

# C0 and C1 control characters, NUL included: never part of a name or a
# sexagesimal position, and PostgreSQL cannot store NUL in a text column.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ColumnLimits:
    """What a column's database field can hold: characters of a text column,
    the range of an integer column; None where there is no limit (or where the
    caller does not know it)."""

    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None


NO_LIMITS = ColumnLimits()


def value_problem(column, value, limits=NO_LIMITS):
    """Why a parsed value (str, int, float or None) cannot be stored in
    `column`, as a phrase for an error message; None when it can."""
    if value is None:
        return None
    if column.kind == "str":
        control = CONTROL_CHARACTER.search(value)
        if control:
            return f"contains the control character U+{ord(control.group()):04X}"
        if limits.max_length is not None and len(value) > limits.max_length:
            return (
                f"is {len(value)} characters long; the column holds at most "
                f"{limits.max_length}"
            )
    elif column.kind == "int":
        too_low = limits.min_value is not None and value < limits.min_value
        if too_low or (limits.max_value is not None and value > limits.max_value):
            return (
                f"{value} is outside the column's integer range "
                f"[{limits.min_value}, {limits.max_value}]"
            )
    elif not math.isfinite(value):
        return f"{value} is not a finite number"
    return None


def _may_hold_bad_value(column, values, limits):
    """Cheap whole-column test (loops in C): False only when every value is
    fine; True sends `first_bad_value` through the values one by one."""
    # Drops None, and also "" and 0, which every column can hold.
    present = list(filter(None, values))
    if not present:
        return False
    if column.kind == "str":
        longest = max(map(len, present))
        too_long = limits.max_length is not None and longest > limits.max_length
        return too_long or CONTROL_CHARACTER.search("".join(present)) is not None
    if column.kind == "int":
        return (limits.min_value is not None and min(present) < limits.min_value) or (
            limits.max_value is not None and max(present) > limits.max_value
        )
    # A sum is finite when every term is; an overflow only costs the slow check.
    return not math.isfinite(sum(present))


def first_bad_value(column, values, limits=NO_LIMITS):
    """(index, problem) of the first of a column's values that `value_problem`
    refuses, or None when all of them can be stored."""
    if not _may_hold_bad_value(column, values, limits):
        return None
    for index, value in enumerate(values):
        problem = value_problem(column, value, limits)
        if problem:
            return index, problem
    return None
