"""Upload API: beam and candidate files (idempotent by sha256) and reads."""

import pytest
from django.test import Client

from catalogue.ingest import service
from catalogue.survey.models import BeamFile, CandidateFile, Upload
from tests.catalogue.api.support import (
    FILES_URL,
    OBSERVATION_URL,
    api_key_fixture,  # noqa: F401
    auth_fixture,  # noqa: F401
    media_files,
    post_file,
    sha256,
    snapshot,
    table_parts,
    tables_url,
    upload_directory,
)
from tests.conftest import DEMO_BEAMS, DEMO_PER_BEAM, DEMO_SBID

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_tables(client, auth, demo_source_dir, media_root):
    """The demo observation with both beams' tables but no files yet."""
    client.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID},
        content_type="application/json",
        **auth,
    )
    for index in range(DEMO_BEAMS):
        client.post(tables_url(index), table_parts(demo_source_dir, index), **auth)
    return demo_source_dir


def candidate_file(directory, product="deepcutout", extension="fits"):
    return next(directory.glob(f"{DEMO_SBID}_beam00_{product}_*.{extension}"))


def test_file_is_stored_once_then_a_no_op(client, auth, with_tables, media_root):
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"

    first = post_file(client, auth, path)

    assert first.status_code == 201
    assert first.json() | {"sha256": ""} == {
        "name": path.name,
        "kind": "std_fits",
        "candidate": "",
        "sha256": "",
        "size": path.stat().st_size,
        "stored": True,
    }
    stored = BeamFile.objects.get(beam__index=0, kind="std_fits")
    assert stored.sha256 == sha256(path.read_bytes())
    assert stored.file.read() == path.read_bytes()
    before, files_before = snapshot(), media_files(media_root)

    again = post_file(client, auth, path)

    assert again.status_code == 200
    assert again.json()["stored"] is False
    assert snapshot() == before
    assert media_files(media_root) == files_before


def test_candidate_file_replaced_when_content_changes(client, auth, with_tables):
    cutout = candidate_file(with_tables, "deepcutout", "png")
    other = candidate_file(with_tables, "lightcurve", "png")
    assert post_file(client, auth, cutout).status_code == 201

    response = post_file(client, auth, cutout, data=other.read_bytes())

    assert response.status_code == 201
    stored = CandidateFile.objects.get(kind="deepcutout_png")
    assert stored.sha256 == sha256(other.read_bytes())
    assert CandidateFile.objects.count() == 1


def test_files_count_into_one_upload_record(client, auth, with_tables, rater):
    for path in sorted(with_tables.glob(f"{DEMO_SBID}_beam00_*.fits"))[:3]:
        post_file(client, auth, path)

    upload = Upload.objects.get()
    assert (upload.user, upload.beams, upload.candidates, upload.files) == (
        rater,
        DEMO_BEAMS,
        DEMO_BEAMS * DEMO_PER_BEAM,
        3,
    )


BAD_NAMES = [
    ("../SB50230_beam00_std.fits", "no path separators and no '..'"),
    ("beam/SB50230_beam00_std.fits", "no path separators and no '..'"),
    ("..\\SB50230_beam00_std.fits", "no path separators and no '..'"),
    ("SB50230_beam00_std..fits", "no path separators and no '..'"),
    ("notes.txt", "is not the name of a pipeline beam or candidate file"),
    ("SB50230_beam00_final.csv", "tables go to .../beams/<NN>/tables/"),
    ("SB1_beam00_std.fits", "belongs to SB1, not SB50230"),
]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_bad_file_names_are_400(client, auth, with_tables, media_root, name, message):
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"
    before, files_before = snapshot(), media_files(media_root)

    response = post_file(client, auth, path, name=name)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert response.json()["file"] == name
    assert snapshot() == before
    assert media_files(media_root) == files_before


def test_failure_after_the_file_is_saved_leaves_media_as_it_was(
    auth, with_tables, media_root, monkeypatch
):
    """The upload record is written after the file: fail there."""

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "record_upload", explode)
    before, files_before = snapshot(), media_files(media_root)
    client = Client(raise_request_exception=False)

    response = post_file(client, auth, with_tables / f"{DEMO_SBID}_beam00_std.fits")

    assert response.status_code == 500
    assert snapshot() == before
    assert media_files(media_root) == files_before


def test_non_fits_bytes_in_a_fits_upload_are_400(client, auth, with_tables, media_root):
    path = with_tables / f"{DEMO_SBID}_beam00_peak.fits"
    png = (with_tables / f"{DEMO_SBID}_beam00_peak_map1.png").read_bytes()
    before, files_before = snapshot(), media_files(media_root)

    response = post_file(client, auth, path, data=png)

    assert response.status_code == 400
    assert response.json()["error"] == (
        f"{DEMO_SBID}_beam00_peak.fits: is not a FITS file (no SIMPLE card)"
    )
    assert snapshot() == before
    assert media_files(media_root) == files_before


def test_truncated_fits_is_400(client, auth, with_tables, media_root):
    path = candidate_file(with_tables, "slices", "fits")
    before = snapshot()

    response = post_file(client, auth, path, data=path.read_bytes()[:4000])

    assert response.status_code == 400
    assert "is not a readable FITS file" in response.json()["error"]
    assert snapshot() == before
    assert media_files(media_root) == []


def test_sha256_mismatch_is_400(client, auth, with_tables, media_root):
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"
    before = snapshot()

    response = post_file(client, auth, path, digest="0" * 64)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith(f"{path.name}: sha256 mismatch: sent {'0' * 64}")
    assert sha256(path.read_bytes()) in error
    assert snapshot() == before
    assert media_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (f"{DEMO_SBID}_beam07_std.fits", "beam 07 of SB50230 does not exist"),
        (
            f"{DEMO_SBID}_beam00_deepcutout_J000000.0-000000.fits",
            "candidate 'J000000.0-000000' is not in beam 00",
        ),
    ],
)
def test_unknown_beam_or_candidate_is_404(
    client, auth, with_tables, media_root, name, message
):
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"
    before = snapshot()

    response = post_file(client, auth, path, name=name)

    assert response.status_code == 404
    assert message in response.json()["error"]
    assert snapshot() == before
    assert media_files(media_root) == []


def test_unknown_observation_is_404(client, auth, demo_source_dir, media_root):
    path = demo_source_dir / f"{DEMO_SBID}_beam00_std.fits"

    response = post_file(client, auth, path)

    assert response.status_code == 404
    assert "observation demo/SB50230 does not exist" in response.json()["error"]
    assert media_files(media_root) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sha256": "abc"}, "field 'sha256' must be 64 hexadecimal digits"),
        ({"file": None}, "field 'file' (the file content) is required"),
        ({"name": ""}, "field 'name' (the pipeline file name) is required"),
    ],
)
def test_incomplete_file_request_is_400(client, auth, with_tables, fields, message):
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"
    data = {"name": path.name, "sha256": sha256(path.read_bytes())}
    data["file"] = path.open("rb")
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    before = snapshot()

    response = client.post(FILES_URL, data, **auth)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert snapshot() == before


def test_oversize_file_is_json_413(client, auth, with_tables, settings, media_root):
    settings.PORTAL_MAX_FILE_BYTES = 1000
    path = with_tables / f"{DEMO_SBID}_beam00_std.fits"
    before = snapshot()

    response = post_file(client, auth, path)

    assert response.status_code == 413
    assert "exceeds the limit of" in response.json()["error"]
    assert snapshot() == before
    assert media_files(media_root) == []


def test_read_endpoints_show_what_exists(
    client, auth, demo_source_dir, media_root, django_assert_max_num_queries
):
    upload_directory(client, auth, demo_source_dir)

    projects = client.get("/api/v1/projects/", **auth).json()
    assert [(p["slug"], p["observations"]) for p in projects] == [("demo", 1)]
    observations = client.get("/api/v1/projects/demo/observations/", **auth).json()
    assert [(o["sbid"], o["beams"]) for o in observations] == [(DEMO_SBID, 2)]
    detail = client.get(OBSERVATION_URL, **auth).json()
    assert detail["candidates"] == DEMO_BEAMS * DEMO_PER_BEAM
    local = {
        p.name: sha256(p.read_bytes())
        for p in demo_source_dir.glob(f"{DEMO_SBID}_beam00_*")
        if p.suffix != ".csv"
    }
    assert detail["beam_list"][0] == {
        "index": 0,
        "candidates": DEMO_PER_BEAM,
        "files": len(local),
    }
    # Token, user, session-free access (restricted projects and memberships),
    # observation, beam, files, names.
    with django_assert_max_num_queries(7):
        beam = client.get(OBSERVATION_URL + "beams/0/", **auth).json()
    assert {f["name"]: f["sha256"] for f in beam["files"]} == local
    assert len(beam["candidates"]) == DEMO_PER_BEAM


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/projects/nope/observations/", "project 'nope' does not exist"),
        (OBSERVATION_URL.replace(DEMO_SBID, "SB1"), "observation demo/SB1 does not"),
        (OBSERVATION_URL + "beams/5/", "beam 05 of SB50230 does not exist"),
    ],
)
def test_unknown_things_are_json_404(client, auth, with_tables, url, message):
    response = client.get(url, **auth)

    assert response.status_code == 404
    assert message in response.json()["error"]
