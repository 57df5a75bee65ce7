"""`make backup` then `make restore` round-trips the database and media.

The real pg_dump/pg_restore and tar command lines from the Makefile run
against the local PostgreSQL and a media folder; only `docker compose`
itself is a stand-in (tests/deploy/compose_standin.py), since no Docker
engine runs here.
"""

import os
import subprocess
import sys

import pytest

from tests.deploy.conftest import ENV_EXAMPLE, REPO
from tests.system_tools import needs_package, postgres_reachable

PGHOST = "127.0.0.1"
DATABASE = "portal_issue8_backup_test"

pytestmark = [
    needs_package("postgresql-client", "pg_dump", "pg_restore", "psql"),
    pytest.mark.skipif(
        not postgres_reachable(PGHOST),
        reason="needs the local PostgreSQL at 127.0.0.1:5432",
    ),
]


def psql(sql):
    return subprocess.run(
        ["psql", "-h", PGHOST, "-U", "postgres", "-d", DATABASE, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def database():
    admin = ["psql", "-h", PGHOST, "-U", "postgres", "-d", "postgres", "-qc"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {DATABASE}"], check=True)
    yield DATABASE
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)


def make(target, tmp_path, **variables):
    standin = tmp_path / "compose"
    script = REPO / "tests/deploy/compose_standin.py"
    standin.write_text(f'#!/bin/sh\nexec {sys.executable} {script} "$@"\n')
    standin.chmod(0o755)
    env = os.environ | {
        "PGHOST": PGHOST,
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": DATABASE,
        "STANDIN_MEDIA": str(tmp_path / "media"),
        "STANDIN_LOG": str(tmp_path / "compose.log"),
    }
    args = ["make", "--no-print-directory", target, f"DOCKER_COMPOSE={standin}"]
    args += [f"ENV_FILE={ENV_EXAMPLE}"]
    args += [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_backup_then_restore_brings_back_database_and_media(tmp_path, database):
    psql("CREATE TABLE rating (id int PRIMARY KEY, label text)")
    psql("INSERT INTO rating VALUES (1, 'True'), (2, 'False'), (3, 'Unsure')")
    media = tmp_path / "media"
    (media / "SB50230/beam00").mkdir(parents=True)
    (media / "SB50230/beam00/cutout.fits").write_bytes(b"SIMPLE  =   T" * 100)

    backup = tmp_path / "backup"
    make("backup", tmp_path, BACKUP_DIR=backup)
    assert (backup / "portal.dump").read_bytes().startswith(b"PGDMP")

    psql("DELETE FROM rating WHERE id > 1")
    (media / "SB50230/beam00/cutout.fits").unlink()
    (media / "stray.txt").write_text("written after the backup")

    make("restore", tmp_path, BACKUP=backup)
    assert psql("SELECT string_agg(label, ',' ORDER BY id) FROM rating") == (
        "True,False,Unsure"
    )
    restored = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    assert [str(p) for p in restored] == ["SB50230/beam00/cutout.fits"]
    assert (media / "SB50230/beam00/cutout.fits").read_bytes() == (
        b"SIMPLE  =   T" * 100
    )
    actions = [line.split()[0] for line in (tmp_path / "compose.log").open()]
    assert actions == ["exec", "exec", "stop", "exec", "run", "up"]


BACKUP_SCRIPT = REPO / "docker/backup/backup-once.sh"


def scheduled_backup(tmp_path, keep, **extra):
    """The backup container's script, run on this host unchanged: PG* name
    the scratch database as the compose file names the db service."""
    env = os.environ | {
        "PGHOST": PGHOST,
        "PGUSER": "postgres",
        "PGDATABASE": DATABASE,
        "BACKUP_DIR": str(tmp_path / "daily"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "BACKUP_KEEP": str(keep),
        **extra,
    }
    return subprocess.run(
        ["sh", str(BACKUP_SCRIPT)], env=env, capture_output=True, text=True
    )


def test_scheduled_backups_keep_the_newest_and_restore_with_make(tmp_path, database):
    psql("CREATE TABLE rating (id int PRIMARY KEY, label text)")
    psql("INSERT INTO rating VALUES (1, 'True'), (2, 'Unsure')")
    media = tmp_path / "media"
    (media / "SB50230").mkdir(parents=True)
    (media / "SB50230/peak.fits").write_bytes(b"SIMPLE  =   T" * 50)
    daily = tmp_path / "daily"
    # Earlier days' backups and a run interrupted half-way.
    for stamp in ("20260101T020000Z", "20260102T020000Z", "20260103T020000Z"):
        (daily / stamp).mkdir(parents=True)
    (daily / "20260104T020000Z.partial").mkdir()

    result = scheduled_backup(tmp_path, keep=2)
    assert result.returncode == 0, result.stderr
    kept = sorted(p.name for p in daily.iterdir())
    assert len(kept) == 2 and kept[0] == "20260103T020000Z"
    newest = daily / kept[1]
    assert (newest / "portal.dump").read_bytes().startswith(b"PGDMP")

    psql("DELETE FROM rating")
    (media / "SB50230/peak.fits").unlink()
    make("restore", tmp_path, BACKUP=newest)
    assert psql("SELECT string_agg(label, ',' ORDER BY id) FROM rating") == (
        "True,Unsure"
    )
    assert (media / "SB50230/peak.fits").read_bytes() == b"SIMPLE  =   T" * 50


@pytest.mark.parametrize("keep", ["0", "-1", "seven", "2.5"])
def test_a_bad_retention_is_refused_and_deletes_nothing(tmp_path, keep, database):
    (tmp_path / "media").mkdir()
    (tmp_path / "daily/20260101T020000Z").mkdir(parents=True)
    result = scheduled_backup(tmp_path, keep=keep)
    assert result.returncode == 2
    assert "BACKUP_KEEP must be a whole number" in result.stderr
    assert [p.name for p in (tmp_path / "daily").iterdir()] == ["20260101T020000Z"]


def test_a_failed_dump_leaves_no_backup_and_removes_none(tmp_path, database):
    (tmp_path / "media").mkdir()
    (tmp_path / "daily/20260101T020000Z").mkdir(parents=True)
    result = scheduled_backup(tmp_path, keep=1, PGDATABASE="no_such_database_here")
    assert result.returncode != 0
    names = sorted(p.name for p in (tmp_path / "daily").iterdir())
    assert names[0] == "20260101T020000Z"
    assert all(name.endswith(".partial") for name in names[1:])
