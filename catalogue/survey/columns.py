"""The pipeline's `_final.csv` columns and their meaning (SPEC §4).

One table drives the model fields, the CSV parser, the catalogue's range
filters and tooltips, and the exports, so the column list lives in one place.
Each column's UCD (IVOA Unified Content Descriptor, 1.5) tells VO tools
(TOPCAT, Aladin) what it holds: `pos.eq.ra;meta.main` and
`pos.eq.dec;meta.main` mark the candidate's own position, other positions
are plain `pos.eq.ra`/`pos.eq.dec`, separations `pos.angDistance`, flux
densities `phot.flux.density`, significances `stat.snr`, names and numbers
`meta.id`.
"""

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
