"""Upload API: observations and beam tables (one transaction per beam)."""

import pytest
from django.test import Client

from catalogue.ingest import beam_tables
from catalogue.ingest.service import ingest_directory
from catalogue.survey.best_beam import recompute_best_beams
from catalogue.survey.models import Beam, Candidate, Lightcurve, Observation, Upload
from tests.catalogue.api.support import (
    api_key_fixture,  # noqa: F401
    auth_fixture,  # noqa: F401
    media_files,
    natural_state,
    snapshot,
    table_parts,
    tables_url,
    upload_directory,
)
from tests.catalogue.ingest.test_ingest import (
    drop_column,
    duplicate_first_name,
    replace_value,
    truncate,
)
from tests.catalogue.ingest.test_values import UNSTORABLE_IDS, UNSTORABLE_VALUES
from tests.conftest import DEMO_PER_BEAM, DEMO_SBID

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation(client, auth):
    response = client.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201
    return Observation.objects.get(sbid=DEMO_SBID)


def test_observation_create_or_update(client, auth, observation):
    response = client.post(
        "/api/v1/observations/",
        {
            "project": "demo",
            "project_name": "Demo survey",
            "sbid": DEMO_SBID,
            "start_time": "2024-03-15T10:22:31Z",
        },
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert response.json()["start_time"] == "2024-03-15T10:22:31Z"
    observation.refresh_from_db()
    assert observation.start_time.isoformat() == "2024-03-15T10:22:31+00:00"
    assert observation.project.name == "Demo survey"
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"project": "demo", "sbid": "50230"}, "sbid: An SBID looks like SB50230."),
        ({"project": "Not a slug!", "sbid": "SB1"}, 'project: Enter a valid "slug"'),
        ({"project": "demo"}, "sbid: This field is required."),
        (
            {"project": "demo", "sbid": "SB1", "start_time": "yesterday"},
            "start_time: Datetime has wrong format.",
        ),
    ],
)
def test_bad_observation_request_is_400(client, auth, body, message):
    response = client.post(
        "/api/v1/observations/", body, content_type="application/json", **auth
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert not Observation.objects.exists()


def test_beam_tables_create_rows_then_change_nothing(
    client, auth, observation, demo_source_dir, rater
):
    first = client.post(tables_url(0), table_parts(demo_source_dir, 0), **auth)

    assert first.status_code == 200
    assert first.json() == {
        "beam": 0,
        "candidates": DEMO_PER_BEAM,
        "created": DEMO_PER_BEAM,
        "updated": 0,
        "unchanged": 0,
        "lightcurves": DEMO_PER_BEAM,
    }
    assert Candidate.objects.filter(beam__index=0).count() == DEMO_PER_BEAM
    assert Lightcurve.objects.count() == DEMO_PER_BEAM
    upload = Upload.objects.get()
    assert (upload.user, upload.via, upload.candidates) == (rater, "api", 6)
    before = snapshot()

    again = client.post(tables_url(0), table_parts(demo_source_dir, 0), **auth)

    assert again.status_code == 200
    assert again.json()["unchanged"] == DEMO_PER_BEAM
    assert snapshot() == before


def test_tables_as_json_text_are_accepted(client, auth, observation, demo_source_dir):
    body = {
        field: handle.read().decode()
        for field, handle in table_parts(demo_source_dir, 1).items()
    }

    response = client.post(tables_url(1), body, content_type="application/json", **auth)

    assert response.status_code == 200
    assert response.json()["created"] == DEMO_PER_BEAM


def test_api_upload_equals_command_ingest(client, auth, demo_source_dir, media_root):
    """One code path: the API and `manage.py ingest_observation` agree."""
    upload_directory(client, auth, demo_source_dir, project="demo")
    ingest_directory(demo_source_dir, "command")

    via_api, via_command = natural_state("demo"), natural_state("command")
    via_api.pop("uploads"), via_command.pop("uploads")
    assert via_api["candidates"] and via_api["candidate_files"]
    assert via_api | {"observations": None} == via_command | {"observations": None}


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (drop_column("peak_map"), "line 1, column 'peak_map': missing column"),
        (replace_value("chi_square", "abc"), "column 'chi_square': 'abc' is not"),
        (duplicate_first_name, "line 3, column 'name': duplicate candidate name"),
        (truncate, "truncated or malformed row"),
    ],
)
def test_malformed_final_csv_is_400_and_nothing_changes(
    client, auth, observation, demo_source_dir, media_root, transform, expected
):
    before, files_before = snapshot(), media_files(media_root)
    parts = table_parts(demo_source_dir, 1)
    parts["final_csv"] = transform(parts["final_csv"].read().decode())

    response = client.post(tables_url(1), parts, **auth)

    assert response.status_code == 400
    body = response.json()
    assert body["file"] == f"{DEMO_SBID}_beam01_final.csv"
    assert expected in body["error"]
    assert snapshot() == before
    assert media_files(media_root) == files_before


@pytest.mark.parametrize(
    ("column", "value", "message"), UNSTORABLE_VALUES, ids=UNSTORABLE_IDS
)
def test_value_its_column_cannot_hold_is_400_not_500(
    auth, observation, demo_source_dir, media_root, column, value, message
):
    before, files_before = snapshot(), media_files(media_root)
    parts = table_parts(demo_source_dir, 1)
    final_csv = parts["final_csv"].read().decode()
    parts["final_csv"] = replace_value(column, value, row_index=2)(final_csv)
    client = Client(raise_request_exception=False)

    response = client.post(tables_url(1), parts, **auth)

    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["file"], body["line"], body["column"]) == (
        f"{DEMO_SBID}_beam01_final.csv",
        4,
        column,
    )
    assert f"line 4, column '{column}': {message}" in body["error"]
    assert snapshot() == before
    assert media_files(media_root) == files_before


@pytest.mark.parametrize(
    ("url", "body", "status", "message"),
    [
        (tables_url(36), "tables", 400, "beam index 36 is outside 0–35"),
        (
            "/api/v1/projects/demo/observations/SB1/beams/0/tables/",
            "tables",
            404,
            "observation demo/SB1 does not exist",
        ),
        (tables_url(0), {}, 400, "field 'final_csv' is required"),
        (tables_url(0), {"final_csv": "x", "extra": "y"}, 400, "unexpected field(s)"),
    ],
)
def test_bad_beam_request_is_refused(
    client, auth, observation, demo_source_dir, url, body, status, message
):
    before = snapshot()
    data = table_parts(demo_source_dir, 0) if body == "tables" else body

    response = client.post(url, data, **auth)

    assert response.status_code == status
    assert message in response.json()["error"]
    assert snapshot() == before


def test_oversize_body_is_json_413(client, auth, observation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = snapshot()

    response = client.post(
        tables_url(0),
        {"final_csv": "x" * 2000},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 413
    assert response.json()["error"].startswith("request body of ")
    assert "exceeds the limit of 1000 bytes" in response.json()["error"]
    assert snapshot() == before


def test_failure_inside_the_transaction_leaves_no_row_of_the_beam(
    auth, observation, demo_source_dir, monkeypatch
):
    """Lightcurves are written after the candidates: fail there."""

    def explode(*args, **kwargs):
        assert Candidate.objects.filter(beam__index=0).exists()  # mid-transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(beam_tables, "_create_lightcurves", explode)
    before = snapshot()
    client = Client(raise_request_exception=False)

    response = client.post(tables_url(0), table_parts(demo_source_dir, 0), **auth)

    assert response.status_code == 500
    assert response.json()["error"].startswith("internal server error")
    assert snapshot() == before
    assert not Beam.objects.exists()


def test_best_beams_follow_a_moved_candidate(client, auth, demo_dir, media_root):
    """Each beam request recomputes only the groups near the changed rows; the
    flags must equal a full recompute, also when a candidate leaves a group."""
    upload_directory(client, auth, demo_dir)
    observation = Observation.objects.get(sbid=DEMO_SBID)
    assert recompute_best_beams(observation) == 0
    shared = [
        c
        for c in Candidate.objects.filter(beam__index=1)
        if Candidate.objects.filter(
            beam__index=0,
            ra__range=(c.ra - 1e-3, c.ra + 1e-3),
            dec__range=(c.dec - 1e-3, c.dec + 1e-3),
        ).exists()
    ]
    assert shared, "the demo has candidates seen in both beams"
    final = demo_dir / f"{DEMO_SBID}_beam01_final.csv"
    final.write_text(
        replace_value("dec", "-40.0", row_index=_row_of(final, shared[0].name))(
            final.read_text()
        )
    )

    response = client.post(tables_url(1), table_parts(demo_dir, 1), **auth)

    assert response.json()["updated"] == 1
    assert recompute_best_beams(observation) == 0  # nothing left to fix
    moved = Candidate.objects.get(beam__index=1, name=shared[0].name)
    assert moved.dec == -40.0 and moved.is_best_beam


def _row_of(final_csv, name):
    names = [line.split(",")[1] for line in final_csv.read_text().splitlines()[1:]]
    return names.index(name)
