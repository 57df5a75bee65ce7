"""A generated pipeline directory for the end-to-end upload benchmark.

36 beams × 150 candidates, each candidate with a deep-cutout FITS (48 × 48
float32), a slices FITS cube (10 × 24 × 24 float32) and a deep-cutout PNG
(64 × 64), plus each beam's final CSV, two light-curve CSVs (20 points) and
std FITS (with DATE-OBS). Candidate names carry a space, as survey
designations do (`BENCH J0000001-BENCH`). Written once and reused: a
marker file beside the directory says it is complete.
"""

import io
from pathlib import Path

import numpy as np
from astropy.io import fits
from PIL import Image

from catalogue.benchmarks.api import _final_csv, _lightcurve_csv

BEAMS = 36
CANDIDATES_PER_BEAM = 150
CUTOUT_PX = 48
SLICES = 10
SLICE_PX = 24
PNG_PX = 64
DATE_OBS = "2024-03-15T10:22:31.000"


def _fits_bytes(data, extra=None):
    header = fits.Header()
    header["BUNIT"] = "Jy/beam"
    for key, value in (extra or {}).items():
        header[key] = value
    buffer = io.BytesIO()
    fits.PrimaryHDU(data.astype(np.float32), header).writeto(buffer)
    return buffer.getvalue()


def _png_bytes(rng):
    pixels = rng.integers(0, 255, (PNG_PX, PNG_PX), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L").save(buffer, "PNG")
    return buffer.getvalue()


def _write_beam(directory, sbid, beam, rng):
    prefix = f"{sbid}_beam{beam:02d}"
    final, names = _final_csv(rng, beam, CANDIDATES_PER_BEAM)
    survey_names = [f"BENCH {name}" for name in names]
    for name, survey_name in zip(names, survey_names):
        final = final.replace(f",{name},", f",{survey_name},", 1)
    (directory / f"{prefix}_final.csv").write_text(final)
    (directory / f"{prefix}_lightcurve_peak_flux.csv").write_text(
        _lightcurve_csv(rng, survey_names, 3e-3)
    )
    (directory / f"{prefix}_lightcurve_local_rms.csv").write_text(
        _lightcurve_csv(rng, survey_names, 3e-4)
    )
    (directory / f"{prefix}_std.fits").write_bytes(
        _fits_bytes(rng.normal(0, 3e-4, (64, 64)), {"DATE-OBS": DATE_OBS})
    )
    for name in survey_names:
        (directory / f"{prefix}_deepcutout_{name}.fits").write_bytes(
            _fits_bytes(rng.normal(0, 3e-4, (CUTOUT_PX, CUTOUT_PX)))
        )
        (directory / f"{prefix}_slices_{name}.fits").write_bytes(
            _fits_bytes(rng.normal(0, 3e-4, (SLICES, SLICE_PX, SLICE_PX)))
        )
        (directory / f"{prefix}_deepcutout_{name}.png").write_bytes(_png_bytes(rng))


def generated_observation(directory, sbid, seed=0):
    """The benchmark's pipeline directory at `directory` (written if missing)."""
    directory = Path(directory)
    marker = directory.with_name(directory.name + ".complete")
    if marker.exists() and directory.is_dir():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for beam in range(BEAMS):
        _write_beam(directory, sbid, beam, rng)
    marker.write_text("complete\n")
    return directory


def tables_only_observation(directory, sbid, tables):
    """A directory of only beam tables ({beam: {kind: CSV text}}), for the
    table-throughput run; rewritten every time (it is cheap)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = {
        "final_csv": "final",
        "lightcurve_peak_flux_csv": "lightcurve_peak_flux",
        "lightcurve_local_rms_csv": "lightcurve_local_rms",
    }
    for beam, parts in tables.items():
        for kind, text in parts.items():
            (directory / f"{sbid}_beam{beam:02d}_{names[kind]}.csv").write_text(text)
    return directory
