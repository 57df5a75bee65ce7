"""Objects near a candidate: other candidates and known pulsars (local tables).

`cone_search` narrows a queryset with a bounding box on the (dec, ra)
index (RA wrapped at 0/360°, the whole RA range near a pole) and then keeps
rows whose exact great-circle separation is within the radius. Every row
comes back with `separation_arcsec`, nearest first, so all nearby sources
share one unit (arcsec).
"""

import math
from dataclasses import dataclass

from django.db.models import Q

from catalogue.survey.models import Candidate
from rating.models import Pulsar

DEFAULT_RADIUS_ARCSEC = 120.0
MAX_RADIUS_ARCSEC = 3600.0
MAX_ROWS = 50


def separation_arcsec(ra1_deg, dec1_deg, ra2_deg, dec2_deg):
    """Great-circle separation (arcsec), Vincenty formula (stable near 0 and 180°)."""
    ra1, dec1, ra2, dec2 = map(math.radians, (ra1_deg, dec1_deg, ra2_deg, dec2_deg))
    delta = ra2 - ra1
    sin_d, cos_d = math.sin(delta), math.cos(delta)
    numerator = math.hypot(
        math.cos(dec2) * sin_d,
        math.cos(dec1) * math.sin(dec2) - math.sin(dec1) * math.cos(dec2) * cos_d,
    )
    denominator = (
        math.sin(dec1) * math.sin(dec2) + math.cos(dec1) * math.cos(dec2) * cos_d
    )
    return math.degrees(math.atan2(numerator, denominator)) * 3600.0


def bounding_box_q(ra_field, dec_field, ra_deg, dec_deg, radius_arcsec):
    """Q object of a box (deg) that contains the cone; RA wrapped at 0/360."""
    radius_deg = radius_arcsec / 3600.0
    dec_low, dec_high = dec_deg - radius_deg, dec_deg + radius_deg
    box = Q(**{f"{dec_field}__gte": dec_low, f"{dec_field}__lte": dec_high})
    if dec_high >= 90.0 or dec_low <= -90.0:
        return box  # the cone contains a pole: every RA
    # Widest RA half-width of the cone (exact, from spherical trigonometry).
    half_width = math.degrees(
        math.asin(
            min(
                1.0,
                math.sin(math.radians(radius_deg)) / math.cos(math.radians(dec_deg)),
            )
        )
    )
    ra_low, ra_high = ra_deg - half_width, ra_deg + half_width
    if ra_high - ra_low >= 360.0:
        return box
    ra_low %= 360.0
    ra_high %= 360.0
    if ra_low <= ra_high:
        ra_box = Q(**{f"{ra_field}__gte": ra_low, f"{ra_field}__lte": ra_high})
    else:  # wraps through RA 0
        ra_box = Q(**{f"{ra_field}__gte": ra_low}) | Q(**{f"{ra_field}__lte": ra_high})
    return box & ra_box


def cone_search(
    queryset,
    ra_deg,
    dec_deg,
    radius_arcsec,
    ra_field="ra",
    dec_field="dec",
    limit=MAX_ROWS,
):
    """Rows of `queryset` within `radius_arcsec` of (ra_deg, dec_deg), nearest first.

    Returns a list of model instances, each with `separation_arcsec` set;
    at most `limit` of them.
    """
    if not -90.0 <= dec_deg <= 90.0:
        raise ValueError(f"declination {dec_deg} deg is outside -90..90")
    if radius_arcsec <= 0:
        return []
    boxed = queryset.filter(
        bounding_box_q(ra_field, dec_field, ra_deg % 360.0, dec_deg, radius_arcsec)
    )
    found = []
    for row in boxed:
        separation = separation_arcsec(
            ra_deg, dec_deg, getattr(row, ra_field), getattr(row, dec_field)
        )
        if separation <= radius_arcsec:
            row.separation_arcsec = separation
            found.append(row)
    found.sort(key=lambda row: row.separation_arcsec)
    return found[:limit]


@dataclass(frozen=True)
class NearbyObject:
    """One row of the nearby-objects table (separation in arcsec)."""

    kind: str  # "candidate" or "pulsar"
    name: str
    separation_arcsec: float
    ra_deg: float
    dec_deg: float
    detail: str
    url: str = ""


def nearby_objects(candidate, radius_arcsec):
    """Other candidates and known pulsars within `radius_arcsec`, nearest first."""
    if candidate.ra is None or candidate.dec is None:
        return []
    others = (
        Candidate.objects.exclude(pk=candidate.pk)
        .select_related("observation", "beam")
        .only("name", "ra", "dec", "peak_map", "observation__sbid", "beam__index")
    )
    rows = [
        NearbyObject(
            "candidate",
            other.name,
            other.separation_arcsec,
            other.ra,
            other.dec,
            f"{other.observation.sbid} beam {other.beam.index:02d}",
            other.get_absolute_url(),
        )
        for other in cone_search(others, candidate.ra, candidate.dec, radius_arcsec)
    ]
    pulsars = cone_search(
        Pulsar.objects.all(),
        candidate.ra,
        candidate.dec,
        radius_arcsec,
        ra_field="ra_deg",
        dec_field="dec_deg",
    )
    rows += [
        NearbyObject(
            "pulsar",
            pulsar.name,
            pulsar.separation_arcsec,
            pulsar.ra_deg,
            pulsar.dec_deg,
            _pulsar_detail(pulsar),
        )
        for pulsar in pulsars
    ]
    rows.sort(key=lambda row: row.separation_arcsec)
    return rows


def _pulsar_detail(pulsar):
    parts = []
    if pulsar.period_s is not None:
        parts.append(f"P = {pulsar.period_s * 1000:.4g} ms")
    if pulsar.dm is not None:
        parts.append(f"DM = {pulsar.dm:.4g} pc cm⁻³")
    return ", ".join(parts) or "—"
