"""Write a realistic pipeline output directory (the layout ingest reads).

Everything is synthetic but has the shape of real data: FITS files made
with astropy (beam maps with DATE-OBS and a WCS, deep cutouts with a point
source in noise, slices cubes with a flaring source), light-curve CSVs in
Jy, PNG previews and GIF animations. Neighbouring beams overlap, so some
candidates appear in two beams and best-beam grouping has work to do.
"""

import csv
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image, ImageDraw

from catalogue.survey.columns import COLUMN_NAMES
from catalogue.survey.imaging import gif_bytes, png_bytes
from catalogue.survey.sky import ARCSEC_PER_DEG

FIELD_CENTRE_DEG = (333.6, -45.2)  # RA, Dec of beam 00
BEAM_PITCH_DEG = 0.9  # spacing of the beam grid
PIXEL_SCALE_ARCSEC = 2.5  # all demo images
DEFAULT_START = datetime(2024, 3, 15, 10, 22, 31, tzinfo=UTC)
INTEGRATION_S = 10.0  # one light-curve point per 10 s integration


def _wcs(ra_deg, dec_deg, size_px, naxis=2):
    wcs = WCS(naxis=naxis)
    wcs.wcs.ctype = ["RA---SIN", "DEC--SIN"] + (["FREQ"] if naxis == 3 else [])
    wcs.wcs.crval = [ra_deg, dec_deg] + ([887.5e6] if naxis == 3 else [])
    wcs.wcs.crpix = [size_px / 2 + 0.5, size_px / 2 + 0.5] + ([1] if naxis == 3 else [])
    scale = PIXEL_SCALE_ARCSEC / ARCSEC_PER_DEG
    wcs.wcs.cdelt = [-scale, scale] + ([1e6] if naxis == 3 else [])
    wcs.wcs.cunit = ["deg", "deg"] + (["Hz"] if naxis == 3 else [])
    return wcs


def _gaussian(size_px, amplitude, sigma_px=1.8, dx=0.0, dy=0.0):
    y, x = np.mgrid[0:size_px, 0:size_px]
    centre = (size_px - 1) / 2
    return amplitude * np.exp(
        -(((x - centre - dx) ** 2 + (y - centre - dy) ** 2) / (2 * sigma_px**2))
    )


def _write_fits(path, data, header):
    fits.PrimaryHDU(data=data.astype(np.float32), header=header).writeto(
        path, overwrite=True
    )


def _iau_name(coord):
    ra = coord.ra.to_string(unit=u.hourangle, sep="", precision=1, pad=True)
    dec = coord.dec.to_string(
        unit=u.deg, sep="", precision=0, alwayssign=True, pad=True
    )
    return f"J{ra}{dec}"


def _lightcurve_png(times_s, flux_mjy, rms_mjy, path):
    """A small light-curve plot drawn with Pillow (no plotting library needed)."""
    width, height, margin = 480, 240, 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    low = float(np.min(flux_mjy - rms_mjy))
    high = float(np.max(flux_mjy + rms_mjy))
    span_t = max(times_s[-1], 1.0)

    def point(t, f):
        x = margin + (width - 2 * margin) * t / span_t
        y = height - margin - (height - 2 * margin) * (f - low) / max(high - low, 1e-9)
        return x, y

    draw.rectangle([margin, margin, width - margin, height - margin], outline="#888")
    for t, f, e in zip(times_s, flux_mjy, rms_mjy):
        x, y_low = point(t, f - e)
        _, y_high = point(t, f + e)
        draw.line([x, y_low, x, y_high], fill="#9ab")
        _, y = point(t, f)
        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill="#1f4e79")
    draw.text((margin, 8), "peak flux (mJy) vs time (s)", fill="#333")
    image.save(path, format="PNG")


class DemoObservation:
    """Generator of one synthetic observation directory."""

    def __init__(
        self,
        sbid="SB50230",
        beams=6,
        per_beam=50,
        seed=1,
        start=DEFAULT_START,
        integrations=90,
        cutout_px=64,
        beam_map_px=128,
        slices=12,
    ):
        self.sbid = sbid
        self.beam_count = beams
        self.per_beam = per_beam
        self.rng = np.random.default_rng(seed)
        self.start = start
        self.integrations = integrations
        self.cutout_px = cutout_px
        self.beam_map_px = beam_map_px
        self.slices = slices

    def beam_centre(self, index):
        """RA, Dec (deg) of a beam on a 6-wide square grid around the field centre."""
        ra0, dec0 = FIELD_CENTRE_DEG
        row, col = divmod(index, 6)
        dec = dec0 + row * BEAM_PITCH_DEG
        ra = (ra0 + col * BEAM_PITCH_DEG / math.cos(math.radians(dec))) % 360
        return ra, dec

    def write(self, directory):
        """Write the whole observation into `directory`; returns its Path."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        positions = self._positions()
        for beam in range(self.beam_count):
            self._write_beam(directory, beam, positions)
        return directory

    def _positions(self):
        """Candidate sky positions per beam; ~10% are shared with the next beam."""
        per_beam = {}
        for beam in range(self.beam_count):
            ra_c, dec_c = self.beam_centre(beam)
            offsets = self.rng.uniform(-0.45, 0.45, size=(self.per_beam, 2))
            per_beam[beam] = [
                ((ra_c + dx / math.cos(math.radians(dec_c + dy))) % 360, dec_c + dy)
                for dx, dy in offsets
            ]
        for beam in range(1, self.beam_count):
            shared = max(1, self.per_beam // 10)
            for k in range(shared):
                ra, dec = per_beam[beam - 1][k]
                jitter = self.rng.normal(0, 0.5 / ARCSEC_PER_DEG, size=2)  # ~0.5 arcsec
                per_beam[beam][-(k + 1)] = ((ra + jitter[0]) % 360, dec + jitter[1])
        return per_beam

    def _header(self, ra, dec, size, naxis=2):
        header = _wcs(ra, dec, size, naxis).to_header()
        header["DATE-OBS"] = self.start.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        header["TIMESYS"] = "UTC"
        header["BUNIT"] = "Jy/beam"
        header["TELESCOP"] = "ASKAP"
        header["OBJECT"] = self.sbid
        return header

    def _write_beam(self, directory, beam, positions):
        prefix = f"{self.sbid}_beam{beam:02d}"
        ra_c, dec_c = self.beam_centre(beam)
        size = self.beam_map_px
        noise = self.rng.normal(0, 3e-4, size=(size, size))
        std_map = np.abs(noise) + 2.5e-4
        chisq_map = self.rng.chisquare(self.integrations - 1, size=(size, size)).astype(
            float
        )
        peak_map = noise * 3
        header = self._header(ra_c, dec_c, size)
        for kind, data in (
            ("std", std_map),
            ("chisquare", chisq_map),
            ("peak", peak_map),
        ):
            _write_fits(directory / f"{prefix}_{kind}.fits", data, header)
        for kind, data in (("chisquare", chisq_map), ("peak", peak_map)):
            (directory / f"{prefix}_{kind}_map1.png").write_bytes(
                png_bytes(data, (256, 256))
            )
            (directory / f"{prefix}_{kind}_map2.png").write_bytes(
                png_bytes(
                    data[size // 4 : 3 * size // 4, size // 4 : 3 * size // 4],
                    (256, 256),
                )
            )
        rows, fluxes, rmses, names = [], {}, {}, []
        beam_centre = SkyCoord(ra_c * u.deg, dec_c * u.deg)
        for source_id, (ra, dec) in enumerate(positions[beam], start=1):
            coord = SkyCoord(ra * u.deg, dec * u.deg)
            name = _iau_name(coord)
            if name in names:
                continue
            names.append(name)
            row, flux, rms = self._candidate(
                directory, prefix, source_id, coord, name, beam_centre
            )
            rows.append(row)
            fluxes[name], rmses[name] = flux, rms
        with open(directory / f"{prefix}_final.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
            writer.writeheader()
            writer.writerows(rows)
        times = [
            (self.start + timedelta(seconds=INTEGRATION_S * (i + 0.5)))
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "")
            for i in range(self.integrations)
        ]
        for suffix, series in (("peak_flux", fluxes), ("local_rms", rmses)):
            with open(
                directory / f"{prefix}_lightcurve_{suffix}.csv", "w", newline=""
            ) as f:
                writer = csv.writer(f)
                writer.writerow(["Time", *names])
                for i, time_text in enumerate(times):
                    writer.writerow(
                        [time_text, *(f"{series[n][i]:.6e}" for n in names)]
                    )

    def _candidate(self, directory, prefix, source_id, coord, name, beam_centre):
        rng = self.rng
        n = self.integrations
        rms = rng.uniform(2.5e-4, 4.5e-4) * (1 + 0.1 * rng.standard_normal(n)).clip(0.7)
        baseline = rng.uniform(0.5e-3, 4e-3)
        flux = baseline + rms * rng.standard_normal(n)
        kind = rng.choice(["flare", "variable", "steady"], p=[0.35, 0.35, 0.3])
        if kind == "flare":
            peak_at, width = rng.integers(5, n - 5), rng.uniform(2, 8)
            flux += rng.uniform(5e-3, 25e-3) * np.exp(
                -0.5 * ((np.arange(n) - peak_at) / width) ** 2
            )
        elif kind == "variable":
            flux += baseline * 0.6 * np.sin(np.arange(n) / rng.uniform(4, 15))
        chi_square = float(np.sum(((flux - flux.mean()) / rms) ** 2))
        sigma = max(0.0, (chi_square - (n - 1)) / math.sqrt(2 * (n - 1)))
        peak = float(flux.max())
        has_deep = rng.random() < 0.6
        deep_offset = (
            rng.normal(0, 1.5 / ARCSEC_PER_DEG, size=2) if has_deep else (0, 0)
        )
        deep = SkyCoord(
            (coord.ra.deg + deep_offset[0]) * u.deg,
            (coord.dec.deg + deep_offset[1]) * u.deg,
        )
        row = {
            "source_id": source_id,
            "name": name,
            "ra_str": coord.ra.to_string(
                unit=u.hourangle, sep=":", precision=2, pad=True
            ),
            "dec_str": coord.dec.to_string(
                unit=u.deg, sep=":", precision=1, alwayssign=True, pad=True
            ),
            "ra": f"{coord.ra.deg:.6f}",
            "dec": f"{coord.dec.deg:.6f}",
            "chi_square": f"{chi_square:.4f}",
            "chi_square_log_sigma": f"{math.log10(sigma):.4f}" if sigma > 0 else "-inf",
            "chi_square_sigma": f"{sigma:.4f}",
            "peak_map": f"{peak:.6e}",
            "peak_map_log_sigma": f"{math.log10(max(peak / rms.mean(), 1e-3)):.4f}",
            "peak_map_sigma": f"{peak / rms.mean():.4f}",
            "gaussian_map": f"{rng.uniform(0, 30):.4f}",
            "gaussian_map_sigma": f"{rng.uniform(0, 12):.4f}",
            "std_map": f"{float(np.std(flux)):.6e}",
            "bright_sep_arcmin": f"{rng.uniform(0.5, 90):.3f}",
            "beam_ra": f"{beam_centre.ra.deg:.6f}",
            "beam_dec": f"{beam_centre.dec.deg:.6f}",
            "beam_sep_deg": f"{coord.separation(beam_centre).deg:.6f}",
            "deep_ra_deg": f"{deep.ra.deg:.6f}" if has_deep else "nan",
            "deep_dec_deg": f"{deep.dec.deg:.6f}" if has_deep else "nan",
            "deep_sep_arcsec": f"{coord.separation(deep).arcsec:.3f}"
            if has_deep
            else "nan",
            "deep_name": _iau_name(deep).replace("J", "RACS_J", 1) if has_deep else "",
            "deep_num": int(rng.integers(1, 4)) if has_deep else 0,
            "deep_peak_flux": f"{baseline * rng.uniform(0.8, 1.2):.6e}"
            if has_deep
            else "nan",
            "deep_int_flux": f"{baseline * rng.uniform(1.0, 1.5):.6e}"
            if has_deep
            else "nan",
            "md_deep": f"{(peak - baseline) / peak:.4f}" if has_deep else "nan",
        }
        self._candidate_files(directory, prefix, coord, name, flux, rms, baseline)
        return row, flux, rms

    def _candidate_files(self, directory, prefix, coord, name, flux, rms, baseline):
        rng, px = self.rng, self.cutout_px
        ra, dec = coord.ra.deg, coord.dec.deg
        deep = _gaussian(px, baseline) + rng.normal(0, 6e-5, size=(px, px))
        deep += _gaussian(
            px, baseline * 0.7, dx=rng.uniform(-20, 20), dy=rng.uniform(-20, 20)
        )
        _write_fits(
            directory / f"{prefix}_deepcutout_{name}.fits",
            deep,
            self._header(ra, dec, px),
        )
        (directory / f"{prefix}_deepcutout_{name}.png").write_bytes(
            png_bytes(deep, (256, 256))
        )
        slice_px = px // 2
        chunks = np.array_split(np.arange(len(flux)), self.slices)
        cube = np.stack(
            [
                _gaussian(slice_px, float(flux[idx].mean()))
                + rng.normal(0, float(rms[idx].mean()), size=(slice_px, slice_px))
                for idx in chunks
            ]
        )
        cube_header = self._header(ra, dec, slice_px, naxis=3)
        _write_fits(directory / f"{prefix}_slices_{name}.fits", cube, cube_header)
        (directory / f"{prefix}_slices_{name}.gif").write_bytes(
            gif_bytes(cube, (128, 128))
        )
        times_s = np.arange(len(flux)) * INTEGRATION_S + INTEGRATION_S / 2
        _lightcurve_png(
            times_s,
            flux * 1e3,
            rms * 1e3,
            directory / f"{prefix}_lightcurve_{name}.png",
        )


def write_demo_observation(directory, **options):
    """Write one demo observation directory; see `DemoObservation` for options."""
    return DemoObservation(**options).write(directory)
