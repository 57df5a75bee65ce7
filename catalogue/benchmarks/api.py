"""Ingest throughput through the upload API (target ≥ 20,000 candidates/s).

A synthetic 36-beam observation (1,000 candidates per beam, 20 light-curve
points each) is generated as CSV text in memory, then POSTed beam by beam
to `/api/v1/.../beams/<NN>/tables/` with an upload token through Django's
test client: server time only, no network. Figures: candidates per second
for a first upload (all rows new) and for a re-send (all rows unchanged),
from wall-clock time; the CPU seconds of the Django process are reported
too (PostgreSQL works in its own process), since a shared machine's load
inflates wall-clock time.
"""

import time

import numpy as np
from django.test import Client

from catalogue.api.tokens.service import create_token
from catalogue.survey.columns import COLUMN_NAMES
from catalogue.survey.models import (
    Candidate,
    CandidateFile,
    Lightcurve,
    Observation,
    Project,
)
from portal.benchmarking import vacuum_analyze

# The tables an upload benchmark fills and then empties again.
SURVEY_ROW_MODELS = (Candidate, Lightcurve, CandidateFile)

BEAMS = 36
CANDIDATES_PER_BEAM = 1_000
INTEGRATIONS = 20
PROJECT = "bench-api"
SBID = "SB99001"


def _final_csv(rng, beam, count):
    """A `_final.csv` for one beam: positions (deg) around a beam centre, Jy.

    Beams sit on a 6 × 6 grid 0.9 deg apart, 1 deg wide, so neighbours overlap.
    """
    dec_centre = -45.2 + (beam // 6) * 0.9
    ra_centre = 333.6 + (beam % 6) * 0.9 / np.cos(np.radians(dec_centre))
    dec = dec_centre + rng.uniform(-0.5, 0.5, count)
    ra = ra_centre + rng.uniform(-0.5, 0.5, count) / np.cos(np.radians(dec))
    peak = rng.lognormal(np.log(3e-3), 0.8, count)
    sigma = rng.gamma(2.0, 2.0, count)
    names = [f"J{beam:02d}{i:05d}-BENCH" for i in range(count)]
    lines = [",".join(COLUMN_NAMES)]
    for i in range(count):
        values = {
            "source_id": str(i + 1),
            "name": names[i],
            "ra_str": "",
            "dec_str": "",
            "ra": f"{ra[i]:.6f}",
            "dec": f"{dec[i]:.6f}",
            "deep_name": f"RACS_{i}",
            "deep_num": "1",
        }
        number = f"{peak[i]:.6e}"
        lines.append(
            ",".join(
                values.get(
                    name,
                    number if "flux" in name or "map" in name else f"{sigma[i]:.4f}",
                )
                for name in COLUMN_NAMES
            )
        )
    return "\n".join(lines) + "\n", names


def _lightcurve_csv(rng, names, scale_jy):
    """`Time` (MJD) plus one column per candidate, `INTEGRATIONS` rows."""
    times = 60384.43 + np.arange(INTEGRATIONS) * 10 / 86400
    values = rng.normal(scale_jy, scale_jy / 3, (INTEGRATIONS, len(names)))
    lines = [",".join(["Time", *names])]
    for t, row in zip(times, values):
        lines.append(f"{t:.8f}," + ",".join(f"{v:.4e}" for v in row))
    return "\n".join(lines) + "\n"


def synthetic_beam_tables(seed=0):
    """{beam index: {field: CSV text}} for a 36-beam observation."""
    rng = np.random.default_rng(seed)
    tables = {}
    for beam in range(BEAMS):
        final, names = _final_csv(rng, beam, CANDIDATES_PER_BEAM)
        tables[beam] = {
            "final_csv": final,
            "lightcurve_peak_flux_csv": _lightcurve_csv(rng, names, 3e-3),
            "lightcurve_local_rms_csv": _lightcurve_csv(rng, names, 3e-4),
        }
    return tables


def _post_all(client, headers, tables):
    """POST every beam's tables; returns (wall seconds, this process's CPU s)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for beam, body in tables.items():
        response = client.post(
            f"/api/v1/projects/{PROJECT}/observations/{SBID}/beams/{beam}/tables/",
            body,
            content_type="application/json",
            **headers,
        )
        if response.status_code != 200:
            raise RuntimeError(f"beam {beam}: {response.status_code} {response.json()}")
    return time.perf_counter() - started, time.process_time() - cpu_started


def bench_api_ingest(ctx):
    """Candidates/s through the API for a 36-beam observation's table data."""
    tables = synthetic_beam_tables()
    Observation.objects.filter(project__slug=PROJECT, sbid=SBID).delete()
    token, key = create_token(ctx.user, "benchmark", may_create_projects=True)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client = Client()
    response = client.post(
        "/api/v1/observations/",
        {"project": PROJECT, "sbid": SBID},
        content_type="application/json",
        **headers,
    )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"observation: {response.status_code} {response.json()}")
    total = BEAMS * CANDIDATES_PER_BEAM
    first, first_cpu = _post_all(client, headers, tables)
    resend, resend_cpu = _post_all(client, headers, tables)
    Project.objects.filter(slug=PROJECT).delete()
    token.delete()
    vacuum_analyze(*SURVEY_ROW_MODELS)
    return {
        "beams": BEAMS,
        "candidates": total,
        "lightcurve_points": INTEGRATIONS,
        "first_upload_seconds": round(first, 2),
        "candidates_per_second": round(total / first),
        "first_upload_django_cpu_seconds": round(first_cpu, 2),
        "resend_seconds": round(resend, 2),
        "resend_django_cpu_seconds": round(resend_cpu, 2),
        "resend_candidates_per_second": round(total / resend),
        "target_candidates_per_second": 10_000,
    }
