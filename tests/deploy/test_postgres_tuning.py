"""PostgreSQL memory settings: one script sizes them for the db container and
`make bench`, and the bench report records the settings in force."""

import os
import shutil
import subprocess

import pytest

from portal.management.commands.bench import postgres_settings, tuned_setting_names
from tests.deploy.conftest import REPO, make_dry_run
from tests.system_tools import postgres_reachable

TUNING = REPO / "docker/postgres/tuning.sh"
START = REPO / "docker/postgres/start-tuned.sh"


def tuning(memory_mb):
    output = subprocess.run(
        ["sh", str(TUNING), str(memory_mb)], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in output.splitlines())


def test_settings_are_sized_from_the_memory():
    assert tuning(8192) == {
        "shared_buffers": "2048MB",
        "effective_cache_size": "6144MB",
        "work_mem": "64MB",
        "maintenance_work_mem": "512MB",
        "max_wal_size": "2GB",
        "random_page_cost": "1.1",
    }
    small = tuning(256)
    assert small["shared_buffers"] == "64MB"
    assert small["work_mem"] == "4MB"  # never below 4 MB
    assert tuning(65536)["maintenance_work_mem"] == "2048MB"  # capped


def test_db_container_starts_postgres_with_those_settings(tmp_path):
    """start-tuned.sh hands them to the official image's entrypoint."""
    entrypoint = tmp_path / "docker-entrypoint.sh"
    entrypoint.write_text('#!/bin/sh\nfor arg in "$@"; do echo "$arg"; done\n')
    entrypoint.chmod(0o755)
    result = subprocess.run(
        ["sh", str(START)],
        env={"PATH": f"{tmp_path}:{os.environ['PATH']}", "POSTGRES_MEMORY_MB": "4096"},
        capture_output=True,
        text=True,
        check=True,
    )
    args = result.stdout.splitlines()
    assert args[0] == "postgres"
    assert args[1::2] == ["-c"] * 6
    assert "shared_buffers=1024MB" in args
    assert "effective_cache_size=3072MB" in args


def test_bench_tunes_the_local_server_before_measuring():
    lines = make_dry_run("bench", POSTGRES_MEMORY_MB=3000)
    (alter,) = [line for line in lines if "alter-system.sh" in line]
    assert alter.startswith("sh docker/postgres/alter-system.sh 3000 -h 127.0.0.1")
    assert lines.index(alter) < next(
        i for i, line in enumerate(lines) if "manage.py bench" in line
    )


@pytest.mark.skipif(
    not (postgres_reachable() and shutil.which("psql")),
    reason="needs the local PostgreSQL at 127.0.0.1:5432",
)
def test_bench_report_records_the_settings_in_force():
    import psycopg2

    with psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres") as db:
        with db.cursor() as cursor:
            recorded = postgres_settings(cursor)
            cursor.execute("SHOW random_page_cost")
            random_page_cost = cursor.fetchone()[0]
    assert set(recorded) == {*tuned_setting_names(), "pending_restart"}
    assert set(tuned_setting_names()) == set(tuning(1024))
    assert recorded["random_page_cost"] == random_page_cost
    assert recorded["shared_buffers"].endswith(("kB", "MB", "GB"))
    assert isinstance(recorded["pending_restart"], list)


def test_alter_system_writes_each_setting_then_reloads(tmp_path):
    """alter-system.sh against a stand-in psql (never the shared server)."""
    psql = tmp_path / "psql"
    psql.write_text(
        f'#!/bin/sh\necho "ARGS $*" >> {tmp_path}/psql.log\n'
        f"[ -t 0 ] || cat >> {tmp_path}/psql.log\n"
        'case "$*" in *pending_restart*) echo shared_buffers;; esac\n'
    )
    psql.chmod(0o755)
    result = subprocess.run(
        ["sh", str(REPO / "docker/postgres/alter-system.sh"), "1024", "-h", "db"],
        env={"PATH": f"{tmp_path}:{os.environ['PATH']}"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "psql.log").read_text().splitlines()
    assert "ALTER SYSTEM SET shared_buffers = '256MB';" in log
    assert "ALTER SYSTEM SET random_page_cost = '1.1';" in log
    assert sum(line.startswith("ALTER SYSTEM") for line in log) == 6
    assert any("pg_reload_conf()" in line for line in log)
    assert all("-h db" in line for line in log if line.startswith("ARGS"))
    assert result.stdout.strip().endswith("waiting for a restart: shared_buffers")


@pytest.mark.skipif(
    not (postgres_reachable() and shutil.which("psql")),
    reason="needs the local PostgreSQL at 127.0.0.1:5432",
)
def test_bench_vacuums_first_only_when_the_server_runs_without_autovacuum():
    import psycopg2

    from portal.management.commands.bench import vacuum_if_autovacuum_is_off

    db = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    db.autocommit = True  # VACUUM cannot run in a transaction
    try:
        with db.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
            done = vacuum_if_autovacuum_is_off(cursor)
    finally:
        db.close()
    assert done == {
        "autovacuum": autovacuum,
        "vacuumed_before_run": autovacuum != "on",
    }
