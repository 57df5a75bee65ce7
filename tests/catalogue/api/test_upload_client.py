"""The standalone upload client, run as a subprocess against a live server.

`live_server` is a real threaded HTTP server on a free loopback port, in
this process, sharing the test database; the client talks to it over TCP
exactly as it would to a remote portal.
"""

import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from catalogue.api.tokens.service import create_token
from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import Candidate, Observation
from tests.catalogue.api.support import (
    incoming_files,
    media_files,
    natural_state,
    sha256,
    snapshot,
)
from tests.catalogue.ingest.test_ingest import replace_value
from tests.catalogue.named_candidates import SURVEY_NAMES, give_survey_names
from tests.conftest import DEMO_BEAMS, DEMO_PER_BEAM, DEMO_SBID
from tests.standins import StandInHandler, serve_in_thread

CLIENT = (
    Path(__file__).resolve().parents[3]
    / "catalogue"
    / "upload_client"
    / "upload_observation.py"
)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_django(tmp_path_factory):
    """A PYTHONPATH entry that makes `import django` fail in the client."""
    folder = tmp_path_factory.mktemp("no-django")
    (folder / "django").mkdir()
    (folder / "django" / "__init__.py").write_text(
        "raise ImportError('the upload client must run without Django')\n"
    )
    return folder


@pytest.fixture
def token_file(tmp_path, rater):
    path = tmp_path / "token"
    path.write_text(create_token(rater, "pipeline", may_create_projects=True)[1] + "\n")
    return path


@pytest.fixture
def run_client(no_django, token_file):
    def start(url, directory, project="demo", *extra, token=None, wait=True):
        arguments = [
            sys.executable,
            str(CLIENT),
            "--url",
            url,
            "--token-file",
            str(token or token_file),
            "--project",
            project,
            "--backoff",
            "0.01",
            *extra,
            str(directory),
        ]
        process = subprocess.Popen(
            arguments,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(no_django), "PATH": "/usr/bin:/bin"},
        )
        if not wait:
            return process
        stdout, stderr = process.communicate(timeout=120)
        return process.returncode, stdout, stderr

    return start


def human_size(count):
    """Bytes as the client's progress bar writes them (kB/MB, one decimal)."""
    return load_client_module().human_bytes(count)


def local_files(directory):
    return {p.name: p for p in directory.iterdir() if p.suffix != ".csv"}


def test_upload_then_rerun_changes_nothing(
    live_server, run_client, demo_source_dir, media_root
):
    code, stdout, stderr = run_client(live_server.url, demo_source_dir)

    assert code == 0, stderr
    files = local_files(demo_source_dir)
    assert f"{DEMO_BEAMS} beams, {DEMO_BEAMS * DEMO_PER_BEAM} candidates" in stdout
    assert f"{len(files)} files sent" in stdout
    assert stdout.startswith(f"{DEMO_SBID} → demo: ")
    every = len(list(demo_source_dir.iterdir()))
    total = human_size(sum(p.stat().st_size for p in demo_source_dir.iterdir()))
    candidates = DEMO_BEAMS * DEMO_PER_BEAM
    # The progress bar's last state: files, bytes, candidates and the rate.
    assert re.search(
        rf"\] {every}/{every} files {total}/{total} {candidates} candidates "
        r"\d+\.\d MB/s",
        stderr,
    ), stderr
    assert re.search(r"\(\d+ candidates/s, \d+ files/s, \d+\.\d MB/s\)$", stdout)
    observation = Observation.objects.get(project__slug="demo", sbid=DEMO_SBID)
    assert observation.start_time.isoformat() == "2024-03-15T10:22:31+00:00"
    assert Candidate.objects.count() == DEMO_BEAMS * DEMO_PER_BEAM
    state = natural_state("demo")
    stored = {(index, kind, sha) for index, kind, _, sha in state["beam_files"]} | {
        (index, kind, sha) for index, _, kind, _, sha in state["candidate_files"]
    }
    assert len(stored) == len(files)
    assert {sha for _, _, sha in stored} == {
        sha256(p.read_bytes()) for p in files.values()
    }
    assert len(media_files(media_root)) == len(files)
    before, media_before = snapshot(), media_files(media_root)

    code, stdout, stderr = run_client(live_server.url, demo_source_dir)

    assert code == 0, stderr
    assert "0 files sent" in stdout
    assert f"{len(files)} already on the server" in stdout
    assert snapshot() == before
    assert media_files(media_root) == media_before


def test_killed_upload_resumed_equals_one_clean_run(
    live_server, run_client, demo_source_dir, media_root
):
    assert run_client(live_server.url, demo_source_dir, "clean")[0] == 0
    clean = natural_state("clean")
    files_after_clean = len(media_files(media_root))

    process = run_client(
        live_server.url,
        demo_source_dir,
        "killed",
        "--pause",
        "0.1",
        "--parallel",
        "1",
        "--batch-files",
        "4",
        wait=False,
    )
    deadline = time.monotonic() + 60
    while len(media_files(media_root)) < files_after_clean + 10:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.kill()
    process.communicate()
    partial = len(media_files(media_root)) - files_after_clean
    assert 10 <= partial < files_after_clean  # really interrupted half-way

    code, stdout, stderr = run_client(live_server.url, demo_source_dir, "killed")

    assert code == 0, stderr
    assert natural_state("killed") == clean
    assert len(media_files(media_root)) == 2 * files_after_clean
    assert incoming_files(media_root) == []


def test_bad_token_fails_clearly_and_changes_nothing(
    live_server, run_client, demo_source_dir, media_root, tmp_path
):
    wrong = tmp_path / "wrong-token"
    wrong.write_text("cpt_not-a-real-key")
    before = snapshot()

    code, stdout, stderr = run_client(live_server.url, demo_source_dir, token=wrong)

    assert code == 1
    assert "upload failed: POST " in stderr
    assert "was refused (401): invalid token" in stderr
    assert snapshot() == before
    assert media_files(media_root) == []


def test_bad_csv_fails_with_the_server_message(
    live_server, run_client, demo_dir, media_root
):
    final = demo_dir / f"{DEMO_SBID}_beam01_final.csv"
    final.write_text(final.read_text().replace("source_id,", "source,", 1))

    code, stdout, stderr = run_client(live_server.url, demo_dir)

    assert code == 1
    assert "(400): SB50230_beam01_final.csv, line 1, column 'source_id'" in stderr
    assert not Candidate.objects.filter(beam__index=1).exists()


def test_directory_without_final_csv_is_refused(
    live_server, run_client, demo_dir, media_root
):
    for path in demo_dir.glob("*_beam01_final.csv"):
        path.unlink()

    code, stdout, stderr = run_client(live_server.url, demo_dir)

    assert code == 1
    assert "upload failed: " in stderr
    assert f"beam 01 has no _final.csv in {demo_dir}" in stderr
    assert not Observation.objects.exists()


def without_card(fits_bytes, keyword):
    """FITS bytes with the header card `keyword` blanked out."""
    data = bytearray(fits_bytes)
    start = data.index(keyword.ljust(8).encode() + b"=")
    data[start : start + 80] = b" " * 80
    return bytes(data)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: (d / "notes.txt").write_text("not a pipeline file"),
            "notes.txt: is not a pipeline file name",
        ),
        (
            lambda d: (d / f"{DEMO_SBID}_beam00_std.fits").write_bytes(
                without_card(
                    (d / f"{DEMO_SBID}_beam00_std.fits").read_bytes(), "NAXIS1"
                )
            ),
            f"{DEMO_SBID}_beam00_std.fits: is not a readable FITS file (KeyError",
        ),
        (
            lambda d: replace_in_final(d, "deep_name", "VAST\x00J1"),
            f"{DEMO_SBID}_beam01_final.csv, line 3, column 'deep_name': "
            "contains the control character U+0000",
        ),
    ],
    ids=["unknown-file", "fits-without-naxis1", "nul-in-final-csv"],
)
def test_local_problem_is_named_before_anything_is_sent(
    live_server, run_client, demo_dir, media_root, damage, message
):
    damage(demo_dir)

    code, stdout, stderr = run_client(live_server.url, demo_dir)

    assert code == 1, stderr
    assert "upload failed: " in stderr and message in stderr
    assert "Traceback" not in stderr
    assert not Observation.objects.exists()
    assert media_files(media_root) == []


def replace_in_final(directory, column, value):
    path = directory / f"{DEMO_SBID}_beam01_final.csv"
    path.write_text(replace_value(column, value, row_index=1)(path.read_text()))


class FlakyProxy(StandInHandler):
    """Answers `failure_status` to every third request (with `retry_after`
    as Retry-After, if set), forwards the others to `target`."""

    target = ""
    hits = 0
    always_fail = False
    failure_status = 503
    retry_after = None

    def _handle(self):
        cls = type(self)
        cls.hits += 1
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if cls.always_fail or cls.hits % 3 == 1:
            self.fail()
            return
        headers = {
            key: self.headers[key]
            for key in ("Authorization", "Content-Type")
            if self.headers[key]
        }
        upstream = requests.request(
            self.command, cls.target + self.path, data=body, headers=headers
        )
        self.reply(
            upstream.status_code,
            upstream.content,
            upstream.headers.get("Content-Type", ""),
        )

    do_GET = do_POST = _handle

    def fail(self):
        body = json.dumps({"error": "busy"}).encode()
        self.send_response(self.failure_status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.retry_after is not None:
            self.send_header("Retry-After", self.retry_after)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def proxy(live_server):
    handler = type("Proxy", (FlakyProxy,), {"target": live_server.url, "hits": 0})
    with serve_in_thread(handler) as url:
        yield handler, url


def test_transient_errors_are_retried(proxy, run_client, demo_source_dir, media_root):
    handler, url = proxy

    code, stdout, stderr = run_client(url, demo_source_dir)

    assert code == 0, stderr
    assert "HTTP 503: busy; retrying in" in stderr
    assert handler.hits > 3
    assert len(media_files(media_root)) == len(local_files(demo_source_dir))


def test_persistent_failure_gives_up_with_the_reason(
    proxy, run_client, demo_source_dir, media_root
):
    handler, url = proxy
    handler.always_fail = True

    code, stdout, stderr = run_client(url, demo_source_dir, "demo", "--retries", "2")

    assert code == 1
    assert "failed after 3 attempts: HTTP 503: busy" in stderr
    assert handler.hits == 3
    assert not Observation.objects.exists()


def test_retry_after_is_honoured(proxy, run_client, demo_source_dir, media_root):
    handler, url = proxy
    handler.failure_status, handler.retry_after = 429, "1"

    code, stdout, stderr = run_client(url, demo_source_dir)

    assert code == 0, stderr
    assert "HTTP 429: busy; retrying in 1.0 s" in stderr


@pytest.mark.parametrize(
    ("status", "outcome"), [(500, "failed"), (502, "failed"), (404, "was refused")]
)
def test_other_errors_fail_at_once_with_the_server_message(
    proxy, run_client, demo_source_dir, media_root, status, outcome
):
    handler, url = proxy
    handler.always_fail, handler.failure_status = True, status

    code, stdout, stderr = run_client(url, demo_source_dir)

    assert code == 1
    assert handler.hits == 1
    assert (
        f"upload failed: POST {url}/api/v1/observations/ {outcome} ({status}): busy"
        in stderr
    )
    assert "retrying" not in stderr


def load_client_module():
    spec = importlib.util.spec_from_file_location("upload_observation", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answer(status, headers=None):
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    response._content = b'{"error": "busy"}'
    return response


def test_retry_waits_are_capped(monkeypatch):
    """A Retry-After of an hour is obeyed only up to the client's cap."""
    client = load_client_module()
    api = client.PortalApi("http://portal.invalid", "key", retries=2)
    answers = [
        answer(503, {"Retry-After": "3600"}),
        requests.ConnectionError("refused"),
        answer(200),
    ]

    def request(*args, **kwargs):
        next_answer = answers.pop(0)
        if isinstance(next_answer, Exception):
            raise next_answer
        return next_answer

    slept = []
    monkeypatch.setattr(api.session, "request", request)
    monkeypatch.setattr(client.time, "sleep", slept.append)

    assert api.call("GET", "projects/") == (200, {"error": "busy"})
    assert slept == [client.MAX_RETRY_WAIT_S, 2.0]


def test_survey_names_upload_like_the_command_ingests_them(
    live_server, run_client, demo_dir, media_root
):
    give_survey_names(demo_dir)

    code, stdout, stderr = run_client(live_server.url, demo_dir)

    assert code == 0, stderr
    ingest_directory(demo_dir, "by-command")
    through_api, by_command = natural_state("demo"), natural_state("by-command")
    for key in ("candidates", "lightcurves", "beam_files", "candidate_files"):
        assert through_api[key] == by_command[key]
    stored = {row[1] for row in through_api["candidate_files"]}
    assert set(SURVEY_NAMES) <= stored
    assert "dynamic_spectra_png" in {row[2] for row in through_api["candidate_files"]}

    code, stdout, stderr = run_client(live_server.url, demo_dir)

    assert code == 0, stderr
    assert "0 files sent" in stdout
