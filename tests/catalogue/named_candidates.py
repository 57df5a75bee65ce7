"""A demo observation whose candidates carry real survey designations.

`give_survey_names(directory)` renames candidates of a pipeline directory
in every place the pipeline writes a name (final CSV, both lightcurve
headers, every candidate file name) and adds a dynamic-spectrum PNG, so a
test can follow such names through every way in and out.
"""

import csv
import io
from pathlib import Path

from PIL import Image

from tests.conftest import DEMO_SBID

# Spaces, signs, an underscore; quotes, a comma and a non-ASCII letter
# (CSV quoting, Content-Disposition and ASCII-only FITS all meet them).
SURVEY_NAMES = (
    "VAST J045927.8+153839",
    "ASKAP J1832-0911",
    "RACS_J2214-4447",
    'PSR "B0531+21", Crab é',
)


def _rewrite_csv(path, transform):
    rows = list(csv.reader(io.StringIO(path.read_text())))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(transform(rows))
    path.write_text(out.getvalue())


def dynamic_spectrum_name(beam_index, name, sbid=DEMO_SBID):
    return f"{sbid}_beam{beam_index:02d}_dynamic_spectra_{name}.png"


def give_survey_names(directory, beam_index=0, names=SURVEY_NAMES, sbid=DEMO_SBID):
    """Rename the first candidates of one beam to `names`; returns {new: old}.

    Each renamed candidate also gets a dynamic-spectrum PNG.
    """
    directory = Path(directory)
    prefix = f"{sbid}_beam{beam_index:02d}"
    final = directory / f"{prefix}_final.csv"
    rows = list(csv.reader(io.StringIO(final.read_text())))
    column = rows[0].index("name")
    renamed = {new: row[column] for new, row in zip(names, rows[1:])}
    old_to_new = {old: new for new, old in renamed.items()}
    _rewrite_csv(
        final,
        lambda rows: (
            [rows[0]]
            + [
                [*r[:column], old_to_new.get(r[column], r[column]), *r[column + 1 :]]
                for r in rows[1:]
            ]
        ),
    )
    for table in ("lightcurve_peak_flux", "lightcurve_local_rms"):
        path = directory / f"{prefix}_{table}.csv"
        if path.exists():
            _rewrite_csv(
                path, lambda rows: [[old_to_new.get(h, h) for h in rows[0]], *rows[1:]]
            )
    for path in list(directory.iterdir()):
        for old, new in old_to_new.items():
            for product in ("deepcutout", "slices", "lightcurve"):
                for ext in ("fits", "png", "gif"):
                    if path.name == f"{prefix}_{product}_{old}.{ext}":
                        path.rename(directory / f"{prefix}_{product}_{new}.{ext}")
    for new in renamed:
        image = Image.new("RGB", (40, 20), "navy")
        image.save(directory / dynamic_spectrum_name(beam_index, new, sbid), "PNG")
    return renamed
