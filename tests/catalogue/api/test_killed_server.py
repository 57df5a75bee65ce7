"""Uploads through a real gunicorn whose worker is SIGKILLed mid-request, and
a client SIGKILLed mid-upload: no row ever lacks its file, the only stored
files without rows are those `check_media` reports (and `--delete` removes),
and running the client again completes the upload sending nothing the
server already holds.

gunicorn runs in a subprocess on its own SQLite file and media folder; its
config (`killpoints.py`) stalls a worker at a chosen point so the kill lands
exactly there. The client runs with retries, as on a pipeline machine, so
it carries on against the worker gunicorn starts in the killed one's place.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from catalogue.benchmarks.uploads import free_port
from catalogue.ingest.files import SURVEY_FILES_FOLDER
from tests.conftest import DEMO_BEAMS, DEMO_PER_BEAM, DEMO_SBID

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
MANAGE = ROOT / "manage.py"
CLIENT = ROOT / "catalogue" / "upload_client" / "upload_observation.py"
KILL_POINTS = ("tables", "receiving", "stored", "committed")


@pytest.fixture
def server(tmp_path):
    """A migrated SQLite file, a token, and gunicorn with the kill points."""
    control = tmp_path / "control"
    control.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "KILL_CONTROL": str(control),
        "PYTHONPATH": str(ROOT),
    }
    (tmp_path / "media").mkdir()

    def manage(*arguments):
        run = subprocess.run(
            [sys.executable, str(MANAGE), *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout

    manage("migrate", "--noinput")
    key = manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from catalogue.api.tokens.service import create_token\n"
        "user = get_user_model().objects.create_user('pipeline')\n"
        "print(create_token(user, 'kill test', may_create_projects=True)[1])",
    ).split()[-1]
    (tmp_path / "token").write_text(key + "\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "300"]
        + ["--control-socket", str(tmp_path / "gunicorn.ctl")]
        + ["--config", str(Path(__file__).with_name("killpoints.py"))],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url + "/healthz", timeout=2).raise_for_status()
            break
        except requests.RequestException:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    yield {
        "url": url,
        "env": env,
        "manage": manage,
        "control": control,
        "token": tmp_path / "token",
        "db": tmp_path / "db.sqlite3",
        "media": tmp_path / "media",
    }
    process.terminate()
    process.wait(timeout=30)


def start_client(server, directory, project, *extra):
    return subprocess.Popen(
        [sys.executable, str(CLIENT), "--url", server["url"]]
        + ["--token-file", str(server["token"]), "--project", project]
        + ["--parallel", "1", "--batch-files", "4", "--retries", "8"]
        + ["--backoff", "0.5", *extra, str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def query(server, sql, *parameters):
    database = sqlite3.connect(server["db"])
    try:
        return database.execute(sql, parameters).fetchall()
    finally:
        database.close()


def file_rows(server, project=None):
    """Storage names of every beam and candidate file row (of `project`)."""
    beam_files = (
        "SELECT f.file FROM catalogue_beamfile f JOIN catalogue_beam b "
        "ON b.id = f.beam_id JOIN catalogue_observation o "
        "ON o.id = b.observation_id JOIN catalogue_project p ON p.id = o.project_id"
    )
    candidate_files = (
        "SELECT f.file FROM catalogue_candidatefile f JOIN catalogue_candidate c "
        "ON c.id = f.candidate_id JOIN catalogue_observation o "
        "ON o.id = c.observation_id JOIN catalogue_project p ON p.id = o.project_id"
    )
    where = " WHERE p.slug = ?" if project else ""
    arguments = (project,) if project else ()
    return [
        name
        for sql in (beam_files, candidate_files)
        for (name,) in query(server, sql + where, *arguments)
    ]


def stored_files(server):
    """Storage names of the survey files on disk (not `.incoming/`)."""
    media = server["media"]
    return {
        path.relative_to(media).as_posix()
        for path in (media / SURVEY_FILES_FOLDER).rglob("*")
        if path.is_file()
    }


def incoming(server):
    folder = server["media"] / ".incoming"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def pipeline_files(directory):
    return [path for path in directory.iterdir() if path.suffix != ".csv"]


def summary_counts(stdout):
    sent = int(re.search(r"(\d+) files sent", stdout)[1])
    held = int(re.search(r"(\d+) already on the server", stdout)[1])
    return sent, held


def wait_for(condition, process, what, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"client ended before {what}: {process.stderr.read()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def assert_no_row_without_file(server):
    on_disk = stored_files(server)
    assert [name for name in file_rows(server) if name not in on_disk] == []


def test_worker_killed_at_each_point_leaves_only_what_check_media_removes(
    server, demo_source_dir
):
    process = start_client(server, demo_source_dir, "demo")
    killed = []
    for point in KILL_POINTS:
        (server["control"] / f"armed-{point}").touch()
        reached = server["control"] / f"reached-{point}"
        wait_for(reached.exists, process, f"the {point} kill point")
        pid = int(reached.read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        assert_no_row_without_file(server)
    stdout, stderr = process.communicate(timeout=180)

    assert process.returncode == 0, stderr
    assert len(set(killed)) == len(KILL_POINTS)  # a fresh worker each time
    assert "retrying in" in stderr
    assert_no_row_without_file(server)
    rows, on_disk = set(file_rows(server)), stored_files(server)
    without_rows = sorted(on_disk - rows)
    # The batch killed between storing and writing rows left its files.
    assert len(without_rows) >= 1
    leftovers = incoming(server)
    assert leftovers  # parts of the killed requests, never cleaned up by them

    report = server["manage"]("check_media", "--incoming-age", "0")
    for name in without_rows:
        assert f"file without row: {name}" in report
    for path in leftovers:
        assert f"abandoned upload part: .incoming/{path.name}" in report
    assert "without file:" not in report
    assert (
        f"{len(without_rows)} files without rows, {len(leftovers)} abandoned "
        "parts, 0 rows without files found"
    ) in report

    server["manage"]("check_media", "--incoming-age", "0", "--delete")

    assert stored_files(server) == rows
    assert incoming(server) == []
    assert "0 files without rows, 0 abandoned parts, 0 rows without files" in (
        server["manage"]("check_media", "--incoming-age", "0")
    )
    files = pipeline_files(demo_source_dir)
    assert len(rows) == len(files)
    assert query(server, "SELECT count(*) FROM catalogue_candidate")[0][0] == (
        DEMO_BEAMS * DEMO_PER_BEAM
    )
    assert query(server, "SELECT count(*) FROM catalogue_lightcurve")[0][0] == (
        DEMO_BEAMS * DEMO_PER_BEAM
    )

    again = start_client(server, demo_source_dir, "demo")
    stdout, stderr = again.communicate(timeout=120)

    assert again.returncode == 0, stderr
    assert summary_counts(stdout) == (0, len(files))
    assert stored_files(server) == rows


def test_killed_client_rerun_sends_only_what_the_server_lacks(server, demo_source_dir):
    files = pipeline_files(demo_source_dir)
    process = start_client(server, demo_source_dir, "demo", "--pause", "0.3")
    wait_for(lambda: len(file_rows(server, "demo")) >= 8, process, "8 stored files")
    process.send_signal(signal.SIGKILL)
    process.communicate()
    time.sleep(1.0)  # a batch fully sent before the kill may still be written
    held = len(file_rows(server, "demo"))
    assert 8 <= held < len(files)  # really interrupted half-way
    assert_no_row_without_file(server)
    server["manage"]("check_media", "--incoming-age", "0", "--delete")

    again = start_client(server, demo_source_dir, "demo")
    stdout, stderr = again.communicate(timeout=120)

    assert again.returncode == 0, stderr
    assert summary_counts(stdout) == (len(files) - held, held)
    assert f"{DEMO_SBID} → demo: {DEMO_BEAMS} beams" in stdout
    rows = file_rows(server, "demo")
    assert len(rows) == len(files)
    assert stored_files(server) == set(rows)  # nothing stored twice
    assert "0 files without rows, 0 abandoned parts, 0 rows without files" in (
        server["manage"]("check_media", "--incoming-age", "0")
    )
