"""Load a large synthetic catalogue fast, for benchmarks (`make bench`).

Rows are generated with numpy and go into PostgreSQL with COPY
(`catalogue.survey.bulk_copy`, as ingest does: about 1,000,000 candidates in
well under a minute on the 2-core machine); other databases get
`bulk_create` in chunks, which is fine for the small sizes tests use.
Positions are uniform on the sphere (deg), fluxes Jy.
"""

import numpy as np
from django.db import connection, transaction

from catalogue.survey.bulk_copy import can_copy, copy_rows
from catalogue.survey.columns import COLUMN_NAMES, NUMERIC_COLUMNS
from catalogue.survey.models import Beam, Candidate, Observation, Project

BEAMS_PER_OBSERVATION = 36
CHUNK = 100_000
EXTRA_COLUMNS = ("beam_id", "observation_id", "is_best_beam")
FIELDS = (*COLUMN_NAMES, *EXTRA_COLUMNS)
NULLABLE_COLUMNS = [column.name for column in NUMERIC_COLUMNS]


def _random_columns(rng, count, start_index):
    """Column name → numpy array (or list of str) for `count` candidates."""
    ra = rng.uniform(0.0, 360.0, count)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, count)))
    sigma = rng.gamma(2.0, 2.0, count)
    peak = rng.lognormal(np.log(3e-3), 0.8, count)
    has_deep = rng.random(count) < 0.6
    numbers = np.arange(start_index, start_index + count)

    def maybe(values):
        return np.where(has_deep, values, np.nan)

    return {
        "source_id": numbers,
        "name": [f"J{n:07d}-SYN" for n in numbers],
        "ra_str": [""] * count,
        "dec_str": [""] * count,
        "ra": ra,
        "dec": dec,
        "chi_square": rng.chisquare(89, count) * (1 + sigma / 5),
        "chi_square_log_sigma": np.log10(sigma + 1e-3),
        "chi_square_sigma": sigma,
        "peak_map": peak,
        "peak_map_log_sigma": np.log10(peak / 3e-4),
        "peak_map_sigma": peak / 3e-4,
        "gaussian_map": rng.uniform(0, 30, count),
        "gaussian_map_sigma": rng.uniform(0, 12, count),
        "std_map": rng.uniform(2e-4, 6e-4, count),
        "bright_sep_arcmin": rng.uniform(0.5, 90, count),
        "beam_ra": ra + rng.normal(0, 0.3, count),
        "beam_dec": np.clip(dec + rng.normal(0, 0.3, count), -90, 90),
        "beam_sep_deg": rng.uniform(0, 0.8, count),
        "deep_ra_deg": maybe(ra),
        "deep_dec_deg": maybe(dec),
        "deep_sep_arcsec": maybe(rng.uniform(0, 3, count)),
        "deep_name": [f"DEEP{n}" if d else "" for n, d in zip(numbers, has_deep)],
        "deep_num": np.where(has_deep, rng.integers(1, 4, count), 0),
        "deep_peak_flux": maybe(peak * 0.5),
        "deep_int_flux": maybe(peak * 0.7),
        "md_deep": maybe(rng.uniform(0, 1, count)),
    }


def _rows(columns, beam_ids, observation_ids, best):
    """Rows of Python values in FIELDS order (NaN → None, i.e. NULL)."""
    values = [columns[name] for name in COLUMN_NAMES]
    for i in range(len(beam_ids)):
        yield [
            *(_python(column[i]) for column in values),
            int(beam_ids[i]),
            observation_ids[i],
            bool(best[i]),
        ]


def load_synthetic_catalogue(total, project_slug="bench", observations=10, seed=42):
    """Create `total` candidates spread over `observations` × 36 beams.

    Idempotent per project: returns the existing project unchanged when it
    already holds `total` candidates; otherwise it is replaced.
    """
    project = Project.objects.filter(slug=project_slug).first()
    if (
        project
        and Candidate.objects.filter(observation__project=project).count() == total
    ):
        return project
    if project:
        project.delete()
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        project = Project.objects.create(slug=project_slug, name="Synthetic benchmark")
        beams = []
        for number in range(observations):
            observation = Observation.objects.create(
                project=project, sbid=f"SB{90000 + number}"
            )
            beams += Beam.objects.bulk_create(
                Beam(observation=observation, index=index)
                for index in range(BEAMS_PER_OBSERVATION)
            )
        beam_ids = np.array([beam.id for beam in beams])
        observation_of_beam = {beam.id: beam.observation_id for beam in beams}
        done = 0
        while done < total:
            count = min(CHUNK, total - done)
            columns = _random_columns(rng, count, done)
            chunk_beams = beam_ids[rng.integers(0, len(beam_ids), count)]
            chunk_observations = [observation_of_beam[b] for b in chunk_beams.tolist()]
            best = rng.random(count) > 0.1
            rows = _rows(columns, chunk_beams, chunk_observations, best)
            if can_copy():
                copy_rows(Candidate, FIELDS, rows, null_columns=NULLABLE_COLUMNS)
            else:
                Candidate.objects.bulk_create(
                    (Candidate(**dict(zip(FIELDS, row))) for row in rows),
                    batch_size=2000,
                )
            done += count
    if can_copy():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Candidate._meta.db_table}")
    return project


def _python(value):
    if isinstance(value, np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
