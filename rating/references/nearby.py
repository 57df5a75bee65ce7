"""Objects near a candidate: other candidates and known pulsars (local tables).

Both come from the portal's one cone search (`catalogue.survey.sky`), so
every row has its `separation_arcsec`, nearest first, and all nearby sources
share one unit (arcsec).
"""

from dataclasses import dataclass

from catalogue.access.rules import visible_candidates
from catalogue.survey.sky import ARCSEC_PER_DEG, cone_search
from rating.models import Pulsar

DEFAULT_RADIUS_ARCSEC = 120.0
MAX_RADIUS_ARCSEC = 1.0 * ARCSEC_PER_DEG
MAX_ROWS = 50  # of each kind: the page lists neighbours, not a field


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


def nearby_objects(candidate, radius_arcsec, user):
    """Other candidates `user` may see and known pulsars within
    `radius_arcsec`, nearest first."""
    if candidate.ra is None or candidate.dec is None:
        return []
    others = (
        visible_candidates(user)
        .exclude(pk=candidate.pk)
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
        for other in _nearest(others, candidate, radius_arcsec)
    ]
    pulsars = _nearest(
        Pulsar.objects.all(), candidate, radius_arcsec, ("ra_deg", "dec_deg")
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


def _nearest(queryset, candidate, radius_arcsec, position_fields=None):
    """The MAX_ROWS rows of `queryset` nearest the candidate within the radius."""
    found = cone_search(
        queryset,
        candidate.ra,
        candidate.dec,
        radius_arcsec,
        position_fields=position_fields,
    )
    return found.order_by("separation_arcsec")[:MAX_ROWS]


def _pulsar_detail(pulsar):
    parts = []
    if pulsar.period_s is not None:
        parts.append(f"P = {pulsar.period_s * 1000:.4g} ms")
    if pulsar.dm is not None:
        parts.append(f"DM = {pulsar.dm:.4g} pc cm⁻³")
    return ", ".join(parts) or "—"
