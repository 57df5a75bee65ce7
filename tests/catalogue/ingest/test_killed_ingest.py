"""A real `manage.py ingest_observation` killed at a few points: the database
holds nothing of the directory or all of it, and running it again completes it.

The command runs in a subprocess on its own SQLite file, so a SIGKILL hits it
exactly as it would on a pipeline machine; the database is read back with
plain `sqlite3`.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalogue.survey.pipeline_files import classify
from tests.conftest import DEMO_BEAMS, DEMO_PER_BEAM

pytestmark = pytest.mark.slow
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"
TABLES = (
    "catalogue_observation",
    "catalogue_beam",
    "catalogue_candidate",
    "catalogue_lightcurve",
    "catalogue_beamfile",
    "catalogue_candidatefile",
    "catalogue_upload",
)


@pytest.fixture
def command_env(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, str(MANAGE), "migrate", "--noinput"],
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def counts(env):
    database = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        return {
            table: database.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }
    finally:
        database.close()


def complete_counts(directory):
    targets = [classify(path.name).target for path in directory.iterdir()]
    candidates = DEMO_BEAMS * DEMO_PER_BEAM
    return {
        "catalogue_observation": 1,
        "catalogue_beam": DEMO_BEAMS,
        "catalogue_candidate": candidates,
        "catalogue_lightcurve": candidates,
        "catalogue_beamfile": targets.count("beam"),
        "catalogue_candidatefile": targets.count("candidate"),
        "catalogue_upload": 1,
    }


def start_ingest(env, directory):
    return subprocess.Popen(
        [sys.executable, str(MANAGE), "ingest_observation", str(directory)]
        + ["--project", "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def kill_after_line(process, prefix):
    """SIGKILL the process once it prints a line starting with `prefix`."""
    for line in process.stdout:
        if line.strip().startswith(prefix):
            break
    process.send_signal(signal.SIGKILL)
    process.communicate()


def kill_after_seconds(process, seconds):
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.communicate()


def test_killed_ingest_leaves_nothing_or_everything_then_completes(
    command_env, demo_source_dir
):
    nothing = counts(command_env)
    everything = complete_counts(demo_source_dir)
    rng = random.Random(20260315)
    kills = [
        (kill_after_line, "beam 00: "),  # beam 00's rows written, not committed
        (kill_after_line, "beam 01: "),
        (kill_after_line, "beam 00: "),
        *[(kill_after_seconds, rng.uniform(1.0, 6.0)) for _ in range(2)],
    ]
    for kill, when in kills:
        kill(start_ingest(command_env, demo_source_dir), when)
        assert counts(command_env) in (nothing, everything), (kill.__name__, when)

    process = start_ingest(command_env, demo_source_dir)
    process.communicate(timeout=120)

    assert process.returncode == 0
    assert counts(command_env) == everything
