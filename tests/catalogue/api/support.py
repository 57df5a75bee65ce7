"""Helpers for the upload API tests: tokens, requests, state snapshots.

Test modules import the fixtures `api_key_fixture` / `auth_fixture` (named
`api_key` / `auth` for tests).
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from catalogue.api.tokens.service import create_token
from catalogue.ingest.incoming import INCOMING_FOLDER
from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Lightcurve,
    Observation,
    Project,
    Upload,
)
from tests.conftest import DEMO_SBID

MODELS = (
    Project,
    Observation,
    Beam,
    Candidate,
    Lightcurve,
    BeamFile,
    CandidateFile,
    Upload,
)
TABLES = {
    "final_csv": "final.csv",
    "lightcurve_peak_flux_csv": "lightcurve_peak_flux.csv",
    "lightcurve_local_rms_csv": "lightcurve_local_rms.csv",
}
OBSERVATION_URL = f"/api/v1/projects/demo/observations/{DEMO_SBID}/"
FILES_URL = OBSERVATION_URL + "files/"


def tables_url(index):
    return f"{OBSERVATION_URL}beams/{index}/tables/"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def snapshot():
    """Every row of every catalogue model, as plain dicts (exact state)."""
    return {
        model.__name__: sorted(
            (model_to_dict(obj) | {"pk": obj.pk} for obj in model.objects.all()),
            key=lambda row: row["pk"],
        )
        for model in MODELS
    }


def media_files(media_root):
    """Stored files (not the parts of requests still being received)."""
    return sorted(
        str(p.relative_to(media_root))
        for p in media_root.rglob("*")
        if p.is_file() and INCOMING_FOLDER not in p.relative_to(media_root).parts
    )


def incoming_files(media_root):
    """Files of requests being received; none once every request has ended."""
    folder = media_root / INCOMING_FOLDER
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def natural_state(project_slug):
    """The catalogue content of a project keyed by natural keys, not ids.

    Two uploads of the same directory end in the same natural state
    whatever order or retries they took.
    """
    candidates = sorted(
        (
            c.beam.index,
            c.name,
            tuple(
                getattr(c, f.name)
                for f in Candidate._meta.fields
                if f.name not in {"id", "beam", "observation"}
            ),
        )
        for c in Candidate.objects.filter(
            observation__project__slug=project_slug
        ).select_related("beam")
    )
    lightcurves = sorted(
        (
            lc.candidate.beam.index,
            lc.candidate.name,
            str(lc.times_mjd),
            str(lc.peak_flux_jy),
            str(lc.local_rms_jy),
        )
        for lc in Lightcurve.objects.filter(
            candidate__observation__project__slug=project_slug
        ).select_related("candidate__beam")
    )
    beam_files = sorted(
        BeamFile.objects.filter(
            beam__observation__project__slug=project_slug
        ).values_list("beam__index", "kind", "size", "sha256")
    )
    candidate_files = sorted(
        CandidateFile.objects.filter(
            candidate__observation__project__slug=project_slug
        ).values_list(
            "candidate__beam__index", "candidate__name", "kind", "size", "sha256"
        )
    )
    observations = sorted(
        Observation.objects.filter(project__slug=project_slug).values_list(
            "sbid", "start_time"
        )
    )
    uploads = sorted(
        Upload.objects.filter(observation__project__slug=project_slug).values_list(
            "user__username", "via", "beams", "candidates", "files"
        )
    )
    return {
        "observations": observations,
        "beams": sorted(
            Beam.objects.filter(observation__project__slug=project_slug).values_list(
                "index", flat=True
            )
        ),
        "candidates": candidates,
        "lightcurves": lightcurves,
        "beam_files": beam_files,
        "candidate_files": candidate_files,
        "uploads": uploads,
    }


@pytest.fixture(name="api_key")
def api_key_fixture(rater):
    """A valid upload token key of the `rater` user that may create projects
    (so the tests' first upload opens the project, and `rater` runs it)."""
    return create_token(rater, "tests", may_create_projects=True)[1]


@pytest.fixture(name="auth")
def auth_fixture(api_key):
    """Request headers carrying the token."""
    return {"HTTP_AUTHORIZATION": f"Token {api_key}"}


def table_parts(directory, index):
    """Multipart fields with a beam's CSV files, as open file handles."""
    return {
        field: open(directory / f"{DEMO_SBID}_beam{index:02d}_{suffix}", "rb")
        for field, suffix in TABLES.items()
        if (directory / f"{DEMO_SBID}_beam{index:02d}_{suffix}").exists()
    }


def post_file(client, auth, path, name=None, digest=None, data=None):
    content = path.read_bytes() if data is None else data
    return client.post(
        FILES_URL,
        {
            "name": name or path.name,
            "sha256": digest or sha256(content),
            "file": SimpleUploadedFile("upload", content),
        },
        **auth,
    )


def upload_directory(client, auth, directory, project="demo"):
    """Upload a demo directory through the API (what the client does)."""
    response = client.post(
        "/api/v1/observations/",
        {"project": project, "sbid": DEMO_SBID},
        content_type="application/json",
        **auth,
    )
    assert response.status_code in (200, 201), response.json()
    indices = sorted(
        {int(p.name.split("_beam")[1][:2]) for p in directory.glob("*_final.csv")}
    )
    for index in indices:
        response = client.post(tables_url(index), table_parts(directory, index), **auth)
        assert response.status_code == 200, response.json()
    for path in sorted(directory.iterdir()):
        if path.suffix != ".csv":
            response = post_file(client, auth, path)
            assert response.status_code in (200, 201), response.json()
