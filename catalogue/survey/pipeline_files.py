"""Names of the files in a pipeline output directory (SPEC §4).

Pure Python with no Django import, so the standalone upload client can use
the same rules as the server. A file name is only ever *parsed* here; stored
files get names the portal builds itself (see `catalogue.storage_paths`).
"""

import re
from dataclasses import dataclass

SBID_PATTERN = r"SB\d+"
BEAM_PREFIX = rf"(?P<sbid>{SBID_PATTERN})_beam(?P<beam>\d{{2}})"

FINAL_CSV = "final_csv"
LIGHTCURVE_PEAK_CSV = "lightcurve_peak_flux_csv"
LIGHTCURVE_RMS_CSV = "lightcurve_local_rms_csv"

# Beam-level products: file suffix → BeamFile.Kind value.
BEAM_FILE_SUFFIXES = {
    "std.fits": "std_fits",
    "chisquare.fits": "chisquare_fits",
    "peak.fits": "peak_fits",
    "chisquare_map1.png": "chisquare_map1",
    "chisquare_map2.png": "chisquare_map2",
    "peak_map1.png": "peak_map1",
    "peak_map2.png": "peak_map2",
}
# Candidate-level products: (product, extension) → CandidateFile.Kind value.
CANDIDATE_FILE_KINDS = {
    ("deepcutout", "fits"): "deepcutout_fits",
    ("deepcutout", "png"): "deepcutout_png",
    ("slices", "fits"): "slices_fits",
    ("slices", "gif"): "slices_gif",
    ("lightcurve", "png"): "lightcurve_png",
}
KIND_EXTENSIONS = {
    **{kind: suffix.rsplit(".", 1)[1] for suffix, kind in BEAM_FILE_SUFFIXES.items()},
    **{kind: ext for (_, ext), kind in CANDIDATE_FILE_KINDS.items()},
}

_TABLE_RE = re.compile(
    rf"^{BEAM_PREFIX}_(?P<table>final|lightcurve_peak_flux|lightcurve_local_rms)\.csv$"
)
_BEAM_FILE_RE = re.compile(
    rf"^{BEAM_PREFIX}_(?P<suffix>{'|'.join(re.escape(s) for s in BEAM_FILE_SUFFIXES)})$"
)
_CANDIDATE_FILE_RE = re.compile(
    rf"^{BEAM_PREFIX}_(?P<product>deepcutout|slices|lightcurve)_(?P<name>[A-Za-z0-9][A-Za-z0-9_+\-.]*)"
    r"\.(?P<ext>fits|png|gif)$"
)
_TABLE_KINDS = {
    "final": FINAL_CSV,
    "lightcurve_peak_flux": LIGHTCURVE_PEAK_CSV,
    "lightcurve_local_rms": LIGHTCURVE_RMS_CSV,
}


@dataclass(frozen=True)
class PipelineFile:
    """What a pipeline file name says about its content.

    `target` is "table", "beam" or "candidate"; `kind` is a table kind
    (FINAL_CSV, ...) or a BeamFile/CandidateFile kind; `candidate_name` is
    set for candidate files only.
    """

    sbid: str
    beam_index: int
    target: str
    kind: str
    candidate_name: str = ""


def classify(filename):
    """Return the `PipelineFile` a bare file name denotes, or None if it is not one.

    Names with a path separator or `..` are never pipeline files.
    """
    if "/" in filename or "\\" in filename or ".." in filename:
        return None
    match = _TABLE_RE.match(filename)
    if match:
        return PipelineFile(
            match["sbid"], int(match["beam"]), "table", _TABLE_KINDS[match["table"]]
        )
    match = _BEAM_FILE_RE.match(filename)
    if match:
        return PipelineFile(
            match["sbid"],
            int(match["beam"]),
            "beam",
            BEAM_FILE_SUFFIXES[match["suffix"]],
        )
    match = _CANDIDATE_FILE_RE.match(filename)
    if match:
        kind = CANDIDATE_FILE_KINDS.get((match["product"], match["ext"]))
        if kind:
            return PipelineFile(
                match["sbid"], int(match["beam"]), "candidate", kind, match["name"]
            )
    return None


_BEAM_SUFFIX_OF_KIND = {kind: suffix for suffix, kind in BEAM_FILE_SUFFIXES.items()}
_CANDIDATE_PRODUCT_OF_KIND = {kind: key for key, kind in CANDIDATE_FILE_KINDS.items()}


def pipeline_filename(sbid, beam_index, kind, candidate_name=""):
    """The pipeline's file name for a stored beam or candidate file (inverse of
    `classify`), so a client can match what the server holds to its own files."""
    prefix = f"{sbid}_beam{beam_index:02d}"
    if kind in _BEAM_SUFFIX_OF_KIND:
        return f"{prefix}_{_BEAM_SUFFIX_OF_KIND[kind]}"
    product, extension = _CANDIDATE_PRODUCT_OF_KIND[kind]
    return f"{prefix}_{product}_{candidate_name}.{extension}"
