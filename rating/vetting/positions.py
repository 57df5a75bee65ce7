"""Sky positions for the candidate page: decimal, sexagesimal and galactic.

The page shows three positions (candidate, beam centre, deep counterpart);
building astropy `SkyCoord`s for each on every page view costs ~10 ms, so
the ICRS → Galactic rotation matrix is taken from astropy once and applied
with numpy, and sexagesimal strings are formatted here (both agree with
astropy in `tests/rating/references/test_positions_and_nearby.py`).
"""

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from catalogue.survey.sky import ARCSEC_PER_DEG


@cache
def _icrs_to_galactic_matrix():
    """3×3 rotation taking ICRS unit vectors to Galactic ones (from astropy)."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    # The ICRS x, y and z axes as (ra, dec); their Galactic unit vectors are the
    # matrix columns.
    axes = SkyCoord([0.0, 90.0, 0.0] * u.deg, [0.0, 0.0, 90.0] * u.deg).galactic
    return np.array(axes.cartesian.xyz.value)


def unit_vector(ra_deg, dec_deg):
    ra, dec = math.radians(ra_deg), math.radians(dec_deg)
    return np.array(
        [math.cos(dec) * math.cos(ra), math.cos(dec) * math.sin(ra), math.sin(dec)]
    )


def galactic_deg(ra_deg, dec_deg):
    """Galactic (l, b) in degrees of an ICRS position in degrees."""
    x, y, z = _icrs_to_galactic_matrix() @ unit_vector(ra_deg, dec_deg)
    longitude = math.degrees(math.atan2(y, x)) % 360.0
    latitude = math.degrees(math.asin(max(-1.0, min(1.0, z))))
    return longitude, latitude


def _sexagesimal(value, decimals, sign):
    """`value` (hours or degrees) as [±]DD:MM:SS.s with `decimals` on the seconds."""
    negative = value < 0
    scale = 10**decimals
    # Seconds per hour of RA and arcsec per degree of Dec are both 60 × 60.
    total = round(abs(value) * ARCSEC_PER_DEG * scale)  # in 10^-decimals seconds
    whole_seconds, fraction = divmod(total, scale)
    minutes, seconds = divmod(whole_seconds, 60)
    units, minutes = divmod(minutes, 60)
    text = f"{units:02d}:{minutes:02d}:{seconds:02d}"
    if decimals:
        text += f".{fraction:0{decimals}d}"
    if sign:
        text = ("-" if negative else "+") + text
    return text


def ra_hms(ra_deg, decimals=2):
    """Right ascension (deg) as HH:MM:SS.ss."""
    return _sexagesimal((ra_deg % 360.0) / 15.0, decimals, sign=False).replace(
        "24:00:00", "00:00:00", 1
    )


def dec_dms(dec_deg, decimals=1):
    """Declination (deg) as ±DD:MM:SS.s."""
    return _sexagesimal(dec_deg, decimals, sign=True)


@dataclass(frozen=True)
class Position:
    """One labelled position, ready to show: decimal deg, sexagesimal, galactic deg."""

    label: str
    ra_deg: float
    dec_deg: float

    @property
    def ra_hms(self):
        return ra_hms(self.ra_deg)

    @property
    def dec_dms(self):
        return dec_dms(self.dec_deg)

    @property
    def galactic(self):
        return galactic_deg(self.ra_deg, self.dec_deg)

    @property
    def l_deg(self):
        return self.galactic[0]

    @property
    def b_deg(self):
        return self.galactic[1]

    @property
    def decimal_text(self):
        return f"{self.ra_deg:.6f} {self.dec_deg:+.6f}"

    @property
    def sexagesimal_text(self):
        return f"{self.ra_hms} {self.dec_dms}"

    @property
    def galactic_text(self):
        longitude, latitude = self.galactic
        return f"{longitude:.5f} {latitude:+.5f}"


def candidate_positions(candidate):
    """Positions of the candidate, its beam centre and its deep counterpart.

    A position whose coordinates are missing (NULL after ingest) is left out.
    """
    pairs = (
        ("Candidate", candidate.ra, candidate.dec),
        ("Beam centre", candidate.beam_ra, candidate.beam_dec),
        ("Deep counterpart", candidate.deep_ra_deg, candidate.deep_dec_deg),
    )
    return [
        Position(label, ra, dec)
        for label, ra, dec in pairs
        if ra is not None and dec is not None
    ]
