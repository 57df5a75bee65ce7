"""End-to-end uploads through the standalone client and a real gunicorn.

`bench_client_upload` starts gunicorn (production settings, threaded
workers so connections stay alive) on a random loopback port against the
benchmark database, with media in its own folder, and runs the upload
client as a separate process:

1. the generated observation with files (`generated_observation`: 36 beams
   × 150 candidates, 3 files each) from scratch: candidates/s, files/s,
   MB/s and the whole time;
2. the same directory again: nothing is sent (resume/idempotence);
3. a tables-only observation (36 beams × 1,000 candidates, 20-point light
   curves): table candidates/s through the API;
4. `cp -r` of the same directory on the same disk (then `sync`), as the
   limit a file upload could reach.

Each run uses its own project, deleted before and after, so reruns are
idempotent and the 1,000,000 benchmark candidates are left as they were.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

from catalogue.api.tokens.service import create_token
from catalogue.benchmarks.api import SURVEY_ROW_MODELS, synthetic_beam_tables
from catalogue.benchmarks.generated_observation import (
    BEAMS,
    CANDIDATES_PER_BEAM,
    generated_observation,
    tables_only_observation,
)
from catalogue.survey.models import Project
from portal.benchmarking import vacuum_analyze

ROOT = Path(settings.BASE_DIR)
WORK = ROOT / "var" / "bench" / "uploads"
CLIENT = ROOT / "catalogue" / "upload_client" / "upload_observation.py"
PROJECT = "bench-upload"
TABLES_PROJECT = "bench-upload-tables"
SBID = "SB99100"
TABLES_SBID = "SB99101"
GUNICORN_WORKERS = 2
GUNICORN_THREADS = 4
TARGETS = {
    "files_per_second": 500,
    "mb_per_second": 50,
    "table_candidates_per_second": 10_000,
    "observation_seconds": 60,
}


def free_port():
    """A free TCP port on loopback, chosen by the kernel (a high one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the portal on loopback for the benchmark's database."""

    def __init__(self, media_root):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        database = settings.DATABASES["default"]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:"
                f"{database['PORT']}/{database['NAME']}"
            ),
            "SECRET_KEY": "bench-upload-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": str(media_root.parent / "static"),
            "MEDIA_ROOT": str(media_root),
            "CONN_MAX_AGE": "60",
        }
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(GUNICORN_WORKERS),
                "--threads",
                str(GUNICORN_THREADS),
                "--keep-alive",
                "30",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not become healthy within 60 s")

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _directory_size(directory):
    paths = [p for p in Path(directory).rglob("*") if p.is_file()]
    return len(paths), sum(p.stat().st_size for p in paths)


def _run_client(url, token_file, project, directory):
    """Run the client; returns (wall seconds, its summary line)."""
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            str(CLIENT),
            "--url",
            url,
            "--token-file",
            str(token_file),
            "--project",
            project,
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"client failed: {run.stderr[-2000:]}")
    return seconds, run.stdout.strip().splitlines()[-1]


def _copy_limit(directory):
    """Seconds of `cp -r` of `directory` on the same disk, and with `sync`."""
    target = directory.with_name(directory.name + "-copy")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(directory), str(target)], check=True)
    copied = time.perf_counter() - started
    subprocess.run(["sync"], check=True)
    synced = time.perf_counter() - started
    shutil.rmtree(target)
    return copied, synced


def _remove_projects():
    Project.objects.filter(slug__in=[PROJECT, TABLES_PROJECT]).delete()


def bench_client_upload(ctx):
    """Client → gunicorn upload of a generated observation with files."""
    WORK.mkdir(parents=True, exist_ok=True)
    directory = generated_observation(WORK / SBID, SBID)
    tables_dir = tables_only_observation(
        WORK / TABLES_SBID, TABLES_SBID, synthetic_beam_tables(seed=1)
    )
    media_root = WORK / "media"
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir()
    _remove_projects()
    token, key = create_token(ctx.user, "upload benchmark", may_create_projects=True)
    token_file = WORK / "token"
    token_file.write_text(key + "\n")
    files, total_bytes = _directory_size(directory)
    candidates = BEAMS * CANDIDATES_PER_BEAM
    try:
        with Gunicorn(media_root) as server:
            first, first_summary = _run_client(
                server.url, token_file, PROJECT, directory
            )
            again, again_summary = _run_client(
                server.url, token_file, PROJECT, directory
            )
            tables, tables_summary = _run_client(
                server.url, token_file, TABLES_PROJECT, tables_dir
            )
    finally:
        _remove_projects()
        token.delete()
        vacuum_analyze(*SURVEY_ROW_MODELS)
        token_file.unlink(missing_ok=True)
        shutil.rmtree(media_root, ignore_errors=True)
    copied, synced = _copy_limit(directory)
    table_candidates = 36 * 1_000
    return {
        "machine_note": "2 cores shared with other engineers' work: figures are noisy",
        "gunicorn": f"{GUNICORN_WORKERS} workers × {GUNICORN_THREADS} threads",
        "upload_fsync": os.environ.get("PORTAL_UPLOAD_FSYNC", "true"),
        "observation": {
            "beams": BEAMS,
            "candidates": candidates,
            "files": files,
            "megabytes": round(total_bytes / 1e6, 1),
        },
        "upload_seconds": round(first, 2),
        "candidates_per_second": round(candidates / first),
        "files_per_second": round(files / first),
        "mb_per_second": round(total_bytes / 1e6 / first, 1),
        "client_summary": first_summary,
        "resend_seconds": round(again, 2),
        "resend_summary": again_summary,
        "tables_only": {
            "candidates": table_candidates,
            "seconds": round(tables, 2),
            "candidates_per_second": round(table_candidates / tables),
            "client_summary": tables_summary,
        },
        "cp_r_seconds": round(copied, 2),
        "cp_r_files_per_second": round(files / copied),
        "cp_r_mb_per_second": round(total_bytes / 1e6 / copied, 1),
        "cp_r_and_sync_seconds": round(synced, 2),
        "targets": TARGETS,
    }
