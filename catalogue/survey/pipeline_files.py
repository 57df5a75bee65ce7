"""Names of the files in a pipeline output directory, and the walk over one.

Pure Python with no Django import, so the standalone upload client uses the
same rules as the server: `classify` reads a name, `pipeline_filename`
builds one, `walk_directory` checks a whole directory. Stored files get
names the portal builds itself (`catalogue.ingest.files`), never these.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

SBID_PATTERN = r"SB\d+"
# Longest candidate name the catalogue keeps (characters): survey
# designations are about 25; the margin leaves room for pipeline suffixes.
CANDIDATE_NAME_MAX_LENGTH = 128
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
    ("dynamic_spectra", "png"): "dynamic_spectra_png",
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
# The candidate name is everything between the product and the extension,
# spaces, signs and underscores included: `SB1_beam00_deepcutout_VAST
# J045927.8+153839.fits` names candidate `VAST J045927.8+153839`.
_CANDIDATE_FILE_RE = re.compile(
    rf"^{BEAM_PREFIX}_(?P<product>deepcutout|slices|lightcurve|dynamic_spectra)_"
    r"(?P<name>.+)\.(?P<ext>fits|png|gif)$",
    re.DOTALL,
)
_TABLE_KINDS = {
    "final": FINAL_CSV,
    "lightcurve_peak_flux": LIGHTCURVE_PEAK_CSV,
    "lightcurve_local_rms": LIGHTCURVE_RMS_CSV,
}
TABLE_KINDS = tuple(_TABLE_KINDS.values())


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


class PipelineFileError(Exception):
    """A pipeline directory or file name the rules refuse; names the file.

    The server turns it into an `IngestError`, the upload client into its
    own error: both report `filename` and `message` alike.
    """

    def __init__(self, message, filename=""):
        super().__init__(message)
        self.message = message
        self.filename = filename

    def __str__(self):
        return f"{self.filename}: {self.message}" if self.filename else self.message


def candidate_name_problem(name):
    """Why `name` cannot be a candidate name, as a phrase, or None if it can.

    A name is data: any printable text (letters of any script, digits,
    spaces, signs, punctuation) of 1 to `CANDIDATE_NAME_MAX_LENGTH`
    characters. Refused are control and format characters, line breaks and
    tabs (`str.isprintable`), and blanks at either end, which CSV readers
    strip and a file name would not show.
    """
    if not isinstance(name, str) or not name:
        return "is empty"
    if len(name) > CANDIDATE_NAME_MAX_LENGTH:
        return (
            f"is {len(name)} characters long; at most "
            f"{CANDIDATE_NAME_MAX_LENGTH} are allowed"
        )
    if not name.isprintable():
        bad = next(char for char in name if not char.isprintable())
        return f"contains the unprintable character U+{ord(bad):04X}"
    if name != name.strip():
        return "starts or ends with a blank"
    return None


def refusal(filename):
    """Why a sent or found file name may not be used at all, or None.

    Only bare names are accepted: a path separator or `..` could point a
    later step outside the directory it belongs to.
    """
    if "/" in filename or "\\" in filename or ".." in filename:
        return "must be a bare file name: no path separators and no '..'"
    return None


def classify(filename):
    """Return the `PipelineFile` a bare file name denotes, or None if it is not one.

    Names that `refusal` refuses are never pipeline files.
    """
    if refusal(filename):
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
        if kind and candidate_name_problem(match["name"]) is None:
            return PipelineFile(
                match["sbid"], int(match["beam"]), "candidate", kind, match["name"]
            )
    return None


_BEAM_SUFFIX_OF_KIND = {kind: suffix for suffix, kind in BEAM_FILE_SUFFIXES.items()}
_CANDIDATE_PRODUCT_OF_KIND = {kind: key for key, kind in CANDIDATE_FILE_KINDS.items()}


_TABLE_NAME_OF_KIND = {kind: table for table, kind in _TABLE_KINDS.items()}


def pipeline_filename(sbid, beam_index, kind, candidate_name=""):
    """The pipeline's file name of a table, beam or candidate file (inverse of
    `classify`), so a client can match what the server holds to its own files
    and messages name the file the pipeline wrote."""
    prefix = f"{sbid}_beam{beam_index:02d}"
    if kind in _TABLE_NAME_OF_KIND:
        return f"{prefix}_{_TABLE_NAME_OF_KIND[kind]}.csv"
    if kind in _BEAM_SUFFIX_OF_KIND:
        return f"{prefix}_{_BEAM_SUFFIX_OF_KIND[kind]}"
    product, extension = _CANDIDATE_PRODUCT_OF_KIND[kind]
    return f"{prefix}_{product}_{candidate_name}.{extension}"


@dataclass
class BeamDirectory:
    """One beam's files in a pipeline directory.

    `tables` maps a table kind (FINAL_CSV, ...) to its path; `files` lists
    (path, PipelineFile) of the beam and candidate products, by name.
    """

    tables: dict = field(default_factory=dict)
    files: list = field(default_factory=list)

    def paths(self):
        """The beam's files, tables first."""
        return [*self.tables.values(), *(path for path, _ in self.files)]


@dataclass
class PipelineDirectory:
    """A checked pipeline directory of one observation, beams by index."""

    sbid: str
    beams: dict

    def paths(self):
        """Every file of the directory, tables first within each beam."""
        return [path for _, beam in sorted(self.beams.items()) for path in beam.paths()]


def walk_directory(directory):
    """Check and group the files of a pipeline output directory by beam.

    Every file (subfolders included) must be a pipeline file of one SBID, and
    every beam must have its `_final.csv`: anything else raises
    `PipelineFileError` naming the file, so nothing is silently left out.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PipelineFileError(f"{directory} is not a directory")
    beams, first_path_of, sbids = {}, {}, set()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        problem = refusal(path.name)
        if problem:
            raise PipelineFileError(problem, path.name)
        if path.name in first_path_of:
            raise PipelineFileError(
                f"appears twice ({first_path_of[path.name]} and {path})", path.name
            )
        first_path_of[path.name] = path
        pipeline_file = classify(path.name)
        if pipeline_file is None:
            raise PipelineFileError(
                "is not a pipeline file name (<SBID>_beam<NN>_ followed by a "
                "table, map or candidate product)",
                path.name,
            )
        sbids.add(pipeline_file.sbid)
        beam = beams.setdefault(pipeline_file.beam_index, BeamDirectory())
        if pipeline_file.target == "table":
            beam.tables[pipeline_file.kind] = path
        else:
            beam.files.append((path, pipeline_file))
    if len(sbids) > 1:
        raise PipelineFileError(
            f"{directory} mixes observations: {', '.join(sorted(sbids))}"
        )
    if not any(FINAL_CSV in beam.tables for beam in beams.values()):
        raise PipelineFileError(f"{directory} has no <SBID>_beam<NN>_final.csv file")
    for index, beam in sorted(beams.items()):
        if FINAL_CSV not in beam.tables:
            raise PipelineFileError(
                f"beam {index:02d} has no _final.csv in {directory}",
                beam.paths()[0].name,
            )
    return PipelineDirectory(sbid=sbids.pop(), beams=beams)
