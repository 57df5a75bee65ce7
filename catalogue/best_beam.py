"""Choose each candidate group's best beam (SPEC §3).

Candidates of one observation within 5 arcsec of each other (transitively)
form a group; the member with the lowest `beam_sep_deg` is the best beam,
ties broken by the smallest name.
"""

import numpy as np

from .models import Candidate

GROUP_RADIUS_ARCSEC = 5.0


def angular_separation_deg(ra1_deg, dec1_deg, ra2_deg, dec2_deg):
    """Great-circle separation (deg) by the Vincenty formula, stable at all angles."""
    ra1, dec1, ra2, dec2 = map(np.radians, (ra1_deg, dec1_deg, ra2_deg, dec2_deg))
    delta = ra2 - ra1
    numerator = np.hypot(
        np.cos(dec2) * np.sin(delta),
        np.cos(dec1) * np.sin(dec2) - np.sin(dec1) * np.cos(dec2) * np.cos(delta),
    )
    denominator = np.sin(dec1) * np.sin(dec2) + np.cos(dec1) * np.cos(dec2) * np.cos(
        delta
    )
    return np.degrees(np.arctan2(numerator, denominator))


def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_indices(ra_deg, dec_deg, radius_arcsec=GROUP_RADIUS_ARCSEC):
    """Group positions (deg) linked by separations ≤ radius (arcsec).

    Returns one group label per position. Pairs are found by sweeping the
    positions sorted by Dec, so only neighbours within the radius in Dec are
    compared (exact separations; RA wrap-around is handled by the formula).
    """
    ra = np.asarray(ra_deg, dtype=float)
    dec = np.asarray(dec_deg, dtype=float)
    count = len(ra)
    parent = list(range(count))
    radius_deg = radius_arcsec / 3600.0
    order = np.argsort(dec, kind="stable")
    sorted_dec = dec[order]
    for position, i in enumerate(order):
        stop = np.searchsorted(
            sorted_dec, sorted_dec[position] + radius_deg, side="right"
        )
        neighbours = order[position + 1 : stop]
        if not len(neighbours):
            continue
        close = neighbours[
            angular_separation_deg(ra[i], dec[i], ra[neighbours], dec[neighbours])
            <= radius_deg
        ]
        for j in close.tolist():
            root_a, root_b = _find(parent, int(i)), _find(parent, j)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
    return [_find(parent, i) for i in range(count)]


def recompute_best_beams(observation):
    """Recompute `is_best_beam` for every candidate of `observation`.

    Only rows whose flag changes are written. Returns the number changed.
    """
    rows = list(
        Candidate.objects.filter(observation=observation).values_list(
            "id", "ra", "dec", "beam_sep_deg", "name", "is_best_beam"
        )
    )
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
    best_ids |= {row[0] for row in rows if row[1] is None or row[2] is None}
    changed = [
        Candidate(id=row[0], is_best_beam=row[0] in best_ids)
        for row in rows
        if (row[0] in best_ids) != row[5]
    ]
    Candidate.objects.bulk_update(changed, ["is_best_beam"], batch_size=1000)
    return len(changed)
