"""Many files per request (`files/batch/`): streamed to disk and hashed on
the way, FITS checked from their headers, a whole batch stored or none of it,
the same content never stored twice; the observation start read from the
std FITS on the server; and `check_media` for what a kill leaves."""

import json
import os
import time

import pytest
from django.core.management import call_command

from catalogue.survey.models import BeamFile, CandidateFile, Observation
from tests.catalogue.api.support import (
    OBSERVATION_URL,
    api_key_fixture,  # noqa: F401
    incoming_files,
    media_files,
    sha256,
    snapshot,
    tables_url,
)
from tests.catalogue.named_candidates import give_survey_names
from tests.conftest import DEMO_SBID

pytestmark = pytest.mark.django_db
BATCH_URL = OBSERVATION_URL + "files/batch/"


@pytest.fixture
def api(client, api_key):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_key}"
    return client


@pytest.fixture
def with_tables(api, demo_dir, media_root):
    """The named demo directory with its observation and beam tables sent."""
    give_survey_names(demo_dir)
    response = api.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID},
        content_type="application/json",
    )
    assert response.status_code == 201
    for index in (0, 1):
        tables = {
            kind: open(demo_dir / f"{DEMO_SBID}_beam{index:02d}_{name}.csv", "rb")
            for kind, name in (
                ("final_csv", "final"),
                ("lightcurve_peak_flux_csv", "lightcurve_peak_flux"),
                ("lightcurve_local_rms_csv", "lightcurve_local_rms"),
            )
        }
        assert api.post(tables_url(index), tables).status_code == 200
    return demo_dir


def beam_files(directory, beam=0):
    return sorted(
        p for p in directory.glob(f"{DEMO_SBID}_beam{beam:02d}_*") if p.suffix != ".csv"
    )


def send(api, paths, sha=None):
    manifest, body = [], {}
    for number, path in enumerate(paths):
        data = path.read_bytes()
        manifest.append(
            {"part": f"f{number}", "name": path.name, "sha256": sha or sha256(data)}
        )
        body[f"f{number}"] = path.open("rb")
    body["manifest"] = json.dumps(manifest)
    return api.post(BATCH_URL, body)


def test_a_batch_stores_every_file_once(api, with_tables, media_root):
    paths = beam_files(with_tables)

    response = send(api, paths)

    assert response.status_code == 200, response.json()
    assert response.json()["stored"] == len(paths)
    stored = BeamFile.objects.count() + CandidateFile.objects.count()
    assert stored == len(paths) == len(media_files(media_root))
    assert incoming_files(media_root) == []
    by_name = {f["name"]: f for f in response.json()["files"]}
    assert by_name[paths[0].name]["sha256"] == sha256(paths[0].read_bytes())
    before, media_before = snapshot(), media_files(media_root)

    again = send(api, paths)

    assert again.json()["stored"] == 0 and again.json()["unchanged"] == len(paths)
    assert snapshot() == before and media_files(media_root) == media_before


def test_queries_do_not_grow_with_the_batch(
    api, with_tables, django_assert_max_num_queries
):
    products = ("_deepcutout_", "_slices_", "_lightcurve_", "_dynamic_spectra_")
    paths = [p for p in beam_files(with_tables) if any(t in p.name for t in products)]
    assert len(paths) > 20
    with django_assert_max_num_queries(20) as small:
        send(api, paths[:3])
    with django_assert_max_num_queries(len(small.captured_queries)):
        send(api, paths[3:])


def test_a_bad_fits_refuses_the_whole_batch(api, with_tables, media_root):
    paths = beam_files(with_tables)
    fits = next(p for p in paths if p.suffix == ".fits")
    fits.write_bytes(fits.read_bytes()[:4000])  # truncated: headers promise more
    before = snapshot()

    response = send(api, paths)

    assert response.status_code == 400
    assert response.json()["file"] == fits.name
    assert "truncated" in response.json()["error"]
    assert snapshot() == before
    assert media_files(media_root) == [] and incoming_files(media_root) == []


def test_a_corrupted_file_is_refused_by_its_sha256(api, with_tables, media_root):
    response = send(api, beam_files(with_tables)[:2], sha="0" * 64)

    assert response.status_code == 400
    assert "sha256 mismatch" in response.json()["error"]
    assert media_files(media_root) == [] and incoming_files(media_root) == []


def test_a_file_of_an_unknown_candidate_is_404(api, with_tables, media_root):
    stray = with_tables / f"{DEMO_SBID}_beam00_deepcutout_VAST J000000.0+000000.fits"
    stray.write_bytes(beam_files(with_tables)[0].read_bytes())

    response = send(api, [stray])

    assert response.status_code == 404
    assert "VAST J000000.0+000000" in response.json()["error"]
    assert media_files(media_root) == []


def test_the_std_fits_on_the_server_sets_the_start(api, with_tables):
    std = with_tables / f"{DEMO_SBID}_beam00_std.fits"

    assert send(api, [std]).status_code == 200

    observation = Observation.objects.get(sbid=DEMO_SBID)
    assert observation.start_time.isoformat() == "2024-03-15T10:22:31+00:00"


def test_a_client_start_that_disagrees_with_the_std_fits_is_refused(api, with_tables):
    send(api, [with_tables / f"{DEMO_SBID}_beam00_std.fits"])
    before = snapshot()

    response = api.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID, "start_time": "2024-03-15T11:00:00Z"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "disagrees with DATE-OBS 2024-03-15T10:22:31" in response.json()["error"]
    assert snapshot() == before
    agreeing = api.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID, "start_time": "2024-03-15T10:22:31Z"},
        content_type="application/json",
    )
    assert agreeing.status_code == 200


def test_check_media_finds_and_removes_what_a_kill_leaves(
    api, with_tables, media_root, capsys
):
    send(api, beam_files(with_tables))
    stray = media_root / "surveys" / "demo" / DEMO_SBID / "beam00" / "left.fits"
    stray.write_bytes(b"SIMPLE  =")
    part = media_root / ".incoming" / "part-abandoned"
    part.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(part, (old, old))
    gone = CandidateFile.objects.first()
    os.remove(media_root / gone.file.name)
    kept_rows = CandidateFile.objects.count() - 1

    call_command("check_media")
    found = capsys.readouterr().out
    assert (
        "1 files without rows, 1 abandoned parts, 1 rows without files found" in found
    )
    assert stray.exists()

    call_command("check_media", "--delete")

    assert not stray.exists() and not part.exists()
    assert CandidateFile.objects.count() == kept_rows
    call_command("check_media")
    assert "0 files without rows, 0 abandoned parts, 0 rows" in capsys.readouterr().out
