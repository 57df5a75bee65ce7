"""Geometry on the sky, in one place: angle units, separations, cone search.

Every angle here carries its unit in its name (`_deg`, `_arcsec`, `_rad`),
and every conversion between arcsec and deg in the portal goes through
`ARCSEC_PER_DEG` rather than a bare 3600.

One separation formula serves the whole portal: Vincenty's, as
atan2(|n|, d) of the great circle's cross and dot products. Unlike the
haversine (which loses precision towards 180 deg) or the cosine rule (whose
acos argument must be clamped and which loses precision below an arcsec),
atan2 is defined for every argument and accurate at every angle.
`separation_arcsec` computes it in Python (scalars or numpy arrays);
`SeparationArcsec` writes the same formula as SQL for querysets.

`cone_search(qs, ra_deg, dec_deg, radius_arcsec)` keeps the rows whose
position lies within `radius_arcsec` of (`ra_deg`, `dec_deg`) and annotates
each with `separation_arcsec`. A bounding box in (dec, ra) comes first so the
database answers from the (dec, ra) index (RA wrapped at 0/360 deg, every RA
once the cone reaches a pole); the exact separation then decides. Works on
PostgreSQL and SQLite (Django registers the math functions for SQLite).
"""

import math

import numpy as np
from django.db.models import F, FloatField, Func, Q

ARCSEC_PER_DEG = 3600.0
ARCSEC_PER_ARCMIN = 60.0
ARCSEC_PER_RADIAN = math.degrees(1.0) * ARCSEC_PER_DEG
MAX_RADIUS_ARCSEC = 10 * ARCSEC_PER_DEG  # 10 deg: a cone search, not a sky scan
# Widen the bounding box by this much (deg) so rounding never cuts a row
# that the exact separation would keep.
BOX_MARGIN_DEG = 1e-6

# Which position a cone is drawn around: (RA field, Dec field), both deg.
CONE_TARGETS = {
    "candidate": ("ra", "dec"),
    "beam": ("beam_ra", "beam_dec"),
    "deep": ("deep_ra_deg", "deep_dec_deg"),
}


def validate_cone(ra_deg, dec_deg, radius_arcsec):
    """Raise ValueError unless the cone is on the sky with a sensible radius."""
    for name, value in (("RA", ra_deg), ("Dec", dec_deg), ("radius", radius_arcsec)):
        if value is None or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number.")
    if not -90.0 <= dec_deg <= 90.0:
        raise ValueError("Dec must be between -90 and +90 deg.")
    if radius_arcsec <= 0:
        raise ValueError("The radius must be positive.")
    if radius_arcsec > MAX_RADIUS_ARCSEC:
        raise ValueError(
            f"The radius may be at most {MAX_RADIUS_ARCSEC / ARCSEC_PER_DEG:g} deg."
        )


def ra_half_width_deg(dec_deg, radius_deg):
    """Half-width in RA (deg) of the box around a cone; None if all RA qualify.

    The extreme RA offset of a small circle of radius r around dec δ is
    asin(sin r / cos δ); once the circle reaches a pole every RA qualifies.
    """
    if abs(dec_deg) + radius_deg >= 90.0:
        return None
    ratio = math.sin(math.radians(radius_deg)) / math.cos(math.radians(dec_deg))
    if ratio >= 1.0:
        return None
    return math.degrees(math.asin(ratio)) + BOX_MARGIN_DEG


def bounding_box_q(ra_deg, dec_deg, radius_deg, ra_field="ra", dec_field="dec"):
    """Q for the (dec, ra) box that contains the cone, RA wrapped at 0/360 deg."""
    box = Q(
        **{
            f"{dec_field}__gte": max(-90.0, dec_deg - radius_deg - BOX_MARGIN_DEG),
            f"{dec_field}__lte": min(90.0, dec_deg + radius_deg + BOX_MARGIN_DEG),
        }
    )
    half_width = ra_half_width_deg(dec_deg, radius_deg)
    if half_width is None:
        return box
    ra_deg %= 360.0
    low, high = ra_deg - half_width, ra_deg + half_width
    if low < 0.0:
        ra_range = Q(**{f"{ra_field}__gte": low + 360.0}) | Q(
            **{f"{ra_field}__lte": high}
        )
    elif high > 360.0:
        ra_range = Q(**{f"{ra_field}__gte": low}) | Q(
            **{f"{ra_field}__lte": high - 360.0}
        )
    else:
        ra_range = Q(**{f"{ra_field}__gte": low, f"{ra_field}__lte": high})
    return box & ra_range


def separation_arcsec(ra1_deg, dec1_deg, ra2_deg, dec2_deg):
    """Great-circle separation (arcsec) of two ICRS positions (deg).

    Vincenty's formula; takes floats or numpy arrays (broadcast) and returns
    the same shape.
    """
    ra1, dec1, ra2, dec2 = (
        np.radians(value) for value in (ra1_deg, dec1_deg, ra2_deg, dec2_deg)
    )
    delta_ra = ra2 - ra1
    cos_dec2 = np.cos(dec2)
    across = np.hypot(
        cos_dec2 * np.sin(delta_ra),
        np.cos(dec1) * np.sin(dec2) - np.sin(dec1) * cos_dec2 * np.cos(delta_ra),
    )
    along = np.sin(dec1) * np.sin(dec2) + np.cos(dec1) * cos_dec2 * np.cos(delta_ra)
    return np.arctan2(across, along) * ARCSEC_PER_RADIAN


class SeparationArcsec(Func):
    """Great-circle separation (arcsec) of a row's (RA, Dec) from a fixed point.

    The SQL twin of `separation_arcsec` (same Vincenty formula, the fixed
    point's sines and cosines passed as parameters). Written as one SQL
    expression: a tree of Django Func nodes cost several milliseconds to
    compile in each of a page's queries.
    """

    output_field = FloatField()

    def __init__(self, ra_field, dec_field, ra_deg, dec_deg):
        super().__init__(F(ra_field), F(dec_field))
        self.ra0_rad = math.radians(ra_deg % 360.0)
        dec0_rad = math.radians(dec_deg)
        self.sin_dec0, self.cos_dec0 = math.sin(dec0_rad), math.cos(dec0_rad)

    def as_sql(self, compiler, connection, **kw):
        (ra_sql, ra_params), (dec_sql, dec_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        dec = (f"RADIANS({dec_sql})", dec_params)
        delta_ra = (f"(RADIANS({ra_sql}) - %s)", (*ra_params, self.ra0_rad))
        sin_dec0, cos_dec0 = ("%s", (self.sin_dec0,)), ("%s", (self.cos_dec0,))
        across = _sql(
            "SQRT(POWER(COS(", dec, ") * SIN(", delta_ra, "), 2) + POWER(",
            cos_dec0, " * SIN(", dec, ") - ",
            sin_dec0, " * COS(", dec, ") * COS(", delta_ra, "), 2))",
        )  # fmt: skip
        along = _sql(
            sin_dec0, " * SIN(", dec, ") + ",
            cos_dec0, " * COS(", dec, ") * COS(", delta_ra, ")",
        )  # fmt: skip
        scale = ("%s", (ARCSEC_PER_RADIAN,))
        return _sql("(", scale, " * ATAN2(", across, ", ", along, "))")


def _sql(*parts):
    """Join SQL text and (sql, params) pairs into one (sql, params) pair."""
    texts, params = [], []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        else:
            texts.append(part[0])
            params.extend(part[1])
    return "".join(texts), tuple(params)


def cone_search(
    qs, ra_deg, dec_deg, radius_arcsec, target="candidate", position_fields=None
):
    """Rows of `qs` within `radius_arcsec` of (`ra_deg`, `dec_deg`), ICRS deg.

    `target` picks the candidate position searched: the candidate's, its beam
    centre's or its deep counterpart's (see CONE_TARGETS). Querysets of other
    models name their (RA field, Dec field), both deg, in `position_fields`.
    Adds `separation_arcsec`. Raises ValueError for a Dec outside ±90 deg or
    a radius that is not positive or wider than `MAX_RADIUS_ARCSEC`.
    """
    validate_cone(ra_deg, dec_deg, radius_arcsec)
    ra_field, dec_field = position_fields or CONE_TARGETS[target]
    radius_deg = radius_arcsec / ARCSEC_PER_DEG
    return (
        qs.filter(bounding_box_q(ra_deg, dec_deg, radius_deg, ra_field, dec_field))
        .annotate(
            separation_arcsec=SeparationArcsec(ra_field, dec_field, ra_deg, dec_deg)
        )
        .filter(separation_arcsec__lte=radius_arcsec)
    )
