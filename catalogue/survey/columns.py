"""The pipeline's `_final.csv` columns and their meaning (SPEC §4).

One table drives the model fields, the CSV parser, the catalogue's range
filters and tooltips, and the exports, so the column list lives in one place.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One `_final.csv` column: its type, unit and a one-line explanation."""

    name: str
    kind: str  # "float", "int" or "str"
    unit: str
    help: str

    @property
    def is_numeric(self):
        return self.kind in {"float", "int"}


FINAL_CSV_COLUMNS = (
    Column("source_id", "int", "", "Source number within the beam's final catalogue"),
    Column("name", "str", "", "Candidate name, unique within a beam"),
    Column("ra_str", "str", "hms", "Right ascension, sexagesimal (ICRS)"),
    Column("dec_str", "str", "dms", "Declination, sexagesimal (ICRS)"),
    Column("ra", "float", "deg", "Right ascension of the candidate (ICRS)"),
    Column("dec", "float", "deg", "Declination of the candidate (ICRS)"),
    Column(
        "chi_square", "float", "", "Chi-square of the light curve against a constant"
    ),
    Column("chi_square_log_sigma", "float", "", "Log10 significance of the chi-square"),
    Column("chi_square_sigma", "float", "σ", "Significance of the chi-square"),
    Column("peak_map", "float", "Jy", "Peak flux density in the peak map"),
    Column("peak_map_log_sigma", "float", "", "Log10 significance of the peak"),
    Column("peak_map_sigma", "float", "σ", "Significance of the peak"),
    Column("gaussian_map", "float", "", "Gaussian-fit statistic in the slices"),
    Column(
        "gaussian_map_sigma", "float", "σ", "Significance of the Gaussian-fit statistic"
    ),
    Column("std_map", "float", "Jy", "Standard deviation in the std map"),
    Column(
        "bright_sep_arcmin",
        "float",
        "arcmin",
        "Separation to the nearest bright source",
    ),
    Column("beam_ra", "float", "deg", "Right ascension of the beam centre"),
    Column("beam_dec", "float", "deg", "Declination of the beam centre"),
    Column("beam_sep_deg", "float", "deg", "Separation from the beam centre"),
    Column(
        "deep_ra_deg", "float", "deg", "Right ascension of the deep-image counterpart"
    ),
    Column("deep_dec_deg", "float", "deg", "Declination of the deep-image counterpart"),
    Column(
        "deep_sep_arcsec", "float", "arcsec", "Separation to the deep-image counterpart"
    ),
    Column("deep_name", "str", "", "Name of the deep-image counterpart"),
    Column("deep_num", "int", "", "Number of deep-image sources nearby"),
    Column(
        "deep_peak_flux", "float", "Jy", "Peak flux density of the deep counterpart"
    ),
    Column(
        "deep_int_flux",
        "float",
        "Jy",
        "Integrated flux density of the deep counterpart",
    ),
    Column("md_deep", "float", "", "Modulation index against the deep image"),
)

COLUMN_NAMES = tuple(column.name for column in FINAL_CSV_COLUMNS)
COLUMNS_BY_NAME = {column.name: column for column in FINAL_CSV_COLUMNS}
NUMERIC_COLUMNS = tuple(column for column in FINAL_CSV_COLUMNS if column.is_numeric)
