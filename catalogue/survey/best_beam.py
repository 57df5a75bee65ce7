"""Choose each candidate group's best beam: a source seen by many beams, listed once.

Candidates of one observation within 5 arcsec of each other (transitively)
form a group; the member with the lowest `beam_sep_deg` is the best beam,
ties broken by the smallest name.
"""

import numpy as np
from django.db.models import Q

from catalogue.survey.models import Candidate
from catalogue.survey.sky import ARCSEC_PER_DEG, separation_arcsec

GROUP_RADIUS_ARCSEC = 5.0


def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def close_pairs(ra_deg, dec_deg, radius_deg):
    """Index pairs (i, j) of positions (deg) at most `radius_deg` apart.

    Positions are sorted by Dec; the k-th neighbour in that order is compared
    for all positions at once, for k = 1, 2, ... until no k-th neighbour is
    within the radius in Dec. Work is O(n × neighbours in a Dec strip).
    """
    ra, dec = np.asarray(ra_deg, dtype=float), np.asarray(dec_deg, dtype=float)
    order = np.argsort(dec, kind="stable")
    sorted_ra, sorted_dec = ra[order], dec[order]
    firsts, seconds = [], []
    for offset in range(1, len(order)):
        near = np.nonzero(sorted_dec[offset:] - sorted_dec[:-offset] <= radius_deg)[0]
        if not len(near):
            break
        separation = separation_arcsec(
            sorted_ra[near],
            sorted_dec[near],
            sorted_ra[near + offset],
            sorted_dec[near + offset],
        )
        close = near[separation <= radius_deg * ARCSEC_PER_DEG]
        firsts.append(order[close])
        seconds.append(order[close + offset])
    if not firsts:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    return np.concatenate(firsts), np.concatenate(seconds)


def group_indices(ra_deg, dec_deg, radius_arcsec=GROUP_RADIUS_ARCSEC):
    """Group positions (deg) linked by separations ≤ radius (arcsec).

    Returns one group label per position (the smallest index in its group).
    Exact separations; RA wrap-around is handled by the formula.
    """
    count = len(ra_deg)
    parent = list(range(count))
    firsts, seconds = close_pairs(ra_deg, dec_deg, radius_arcsec / ARCSEC_PER_DEG)
    for i, j in zip(firsts.tolist(), seconds.tolist()):
        root_a, root_b = _find(parent, i), _find(parent, j)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return [_find(parent, i) for i in range(count)]


def _region(positions, margin_deg):
    """Dec band and, away from RA 0/360 and the poles, an RA range (deg) around
    `positions` widened by `margin_deg`; None for RA means every RA."""
    ras = [ra for ra, _ in positions]
    decs = [dec for _, dec in positions]
    dec_low, dec_high = min(decs) - margin_deg, max(decs) + margin_deg
    if dec_low <= -89 or dec_high >= 89:
        return dec_low, dec_high, None
    ra_margin = margin_deg / np.cos(np.radians(max(abs(dec_low), abs(dec_high))))
    ra_low, ra_high = min(ras) - ra_margin, max(ras) + ra_margin
    if ra_low < 0 or ra_high >= 360 or ra_high - ra_low > 180:
        return dec_low, dec_high, None
    return dec_low, dec_high, (ra_low, ra_high)


def _rows_in(observation, region=None):
    rows = Candidate.objects.filter(observation=observation)
    if region is not None:
        dec_low, dec_high, ra_range = region
        rows = rows.filter(dec__gte=dec_low, dec__lte=dec_high)
        if ra_range is not None:
            rows = rows.filter(ra__gte=ra_range[0], ra__lte=ra_range[1])
    return list(
        rows.values_list("id", "ra", "dec", "beam_sep_deg", "name", "is_best_beam")
    )


def _inside(row, region):
    dec_low, dec_high, ra_range = region
    ra, dec = row[1], row[2]
    return dec_low <= dec <= dec_high and (
        ra_range is None or ra_range[0] <= ra <= ra_range[1]
    )


def _near_edge(row, region, radius_deg):
    """True when a row lies within `radius_deg` of the edge of a fetched region,
    so its group may continue outside the region."""
    dec_low, dec_high, ra_range = region
    ra, dec = row[1], row[2]
    if dec - dec_low < radius_deg or dec_high - dec < radius_deg:
        return True
    if ra_range is None:
        return False
    ra_radius = radius_deg / np.cos(np.radians(abs(dec)))
    return ra - ra_range[0] < ra_radius or ra_range[1] - ra < ra_radius


def _groups(rows):
    """(positioned rows, group label per row, ids of each group's best beam)."""
    positioned = [row for row in rows if row[1] is not None and row[2] is not None]
    labels = group_indices(
        [row[1] for row in positioned], [row[2] for row in positioned]
    )
    best_of_group = {}
    for label, row in zip(labels, positioned):
        key = (row[3] if row[3] is not None else float("inf"), row[4])
        if label not in best_of_group or key < best_of_group[label][0]:
            best_of_group[label] = (key, row[0])
    best_ids = {candidate_id for _, candidate_id in best_of_group.values()}
    return positioned, labels, best_ids


def _write_flags(rows, best_ids):
    changed = [
        Candidate(id=row[0], is_best_beam=row[0] in best_ids)
        for row in rows
        if (row[0] in best_ids) != row[5]
    ]
    Candidate.objects.bulk_update(changed, ["is_best_beam"], batch_size=1000)
    return len(changed)


def recompute_best_beams(observation, near_positions=None):
    """Recompute `is_best_beam` for the candidates of `observation`.

    Without `near_positions` every group is recomputed. With the old and new
    positions [(ra, dec) deg, ...] of the rows an ingest changed, only the
    groups reaching within the group radius of them are: the region read
    grows until none of those groups may continue outside it. Candidates
    without a position are always their own best beam. Only rows whose flag
    changes are written. Returns the number changed.
    """
    radius_deg = GROUP_RADIUS_ARCSEC / ARCSEC_PER_DEG
    if near_positions is None:
        rows = _rows_in(observation)
        _, _, best_ids = _groups(rows)
        best_ids |= {row[0] for row in rows if row[1] is None or row[2] is None}
        return _write_flags(rows, best_ids)
    unpositioned = Candidate.objects.filter(
        Q(ra=None) | Q(dec=None), observation=observation, is_best_beam=False
    ).update(is_best_beam=True)
    positions = [(ra, dec) for ra, dec in near_positions if None not in (ra, dec)]
    if not positions:
        return unpositioned
    core = _region(positions, radius_deg)
    margin_deg = 4 * radius_deg
    while margin_deg < 1.0:
        region = _region(positions, margin_deg)
        rows = _rows_in(observation, region)
        positioned, labels, best_ids = _groups(rows)
        affected = {
            label for row, label in zip(positioned, labels) if _inside(row, core)
        }
        if not any(
            label in affected and _near_edge(row, region, radius_deg)
            for row, label in zip(positioned, labels)
        ):
            members = [
                row for row, label in zip(positioned, labels) if label in affected
            ]
            return unpositioned + _write_flags(members, best_ids)
        margin_deg *= 8
    return unpositioned + recompute_best_beams(observation)
