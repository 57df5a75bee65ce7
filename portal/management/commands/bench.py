"""`manage.py bench`: load the benchmark dataset and time every `bench_*` function.

Each installed app may have a `benchmarks` package whose modules hold functions
`bench_<name>(ctx: portal.benchmarking.BenchContext) -> dict`. Figures are
printed and written to a JSON file (`--out`). Meant for PostgreSQL with
`portal.settings.bench` (see `make bench`).
"""

import importlib
import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from catalogue.demo.synthetic import load_synthetic_catalogue
from portal.benchmarking import BenchContext
from rating.demo.synthetic import load_synthetic_ratings

BENCH_USERNAME = "bench-user"
# The script that sizes PostgreSQL's memory settings for the db container and
# for `make bench` (docker/postgres/alter-system.sh).
TUNING_SCRIPT = Path(settings.BASE_DIR) / "docker" / "postgres" / "tuning.sh"


def tuned_setting_names():
    """Names of the PostgreSQL settings the tuning script sets."""
    output = subprocess.run(
        ["sh", str(TUNING_SCRIPT), "1024"], capture_output=True, text=True, check=True
    ).stdout
    return [line.split("=", 1)[0] for line in output.splitlines() if "=" in line]


def postgres_settings(cursor):
    """{name: value in force} of the tuned settings, from `SHOW`, plus
    `pending_restart`: those changed on disk that wait for a restart
    (shared_buffers after `make bench`'s ALTER SYSTEM)."""
    found = {}
    for name in tuned_setting_names():
        cursor.execute(f"SHOW {name}")
        found[name] = cursor.fetchone()[0]
    cursor.execute("SELECT name FROM pg_settings WHERE pending_restart ORDER BY name")
    found["pending_restart"] = [row[0] for row in cursor.fetchall()]
    return found


def vacuum_if_autovacuum_is_off(cursor):
    """VACUUM (ANALYZE) the whole bench database when the server runs with
    autovacuum off (seen on CI machines), and say whether it did.

    Without autovacuum the dead rows that earlier runs left (the rating
    count tables take an update per rating; the upload benchmarks delete
    what they wrote) pile up across runs and slow every later figure: on
    one machine 91,590 dead rows of a 660-row count table. Production runs
    autovacuum, so the figures should not carry that debt. Takes seconds on
    a clean database.
    """
    cursor.execute("SHOW autovacuum")
    autovacuum = cursor.fetchone()[0]
    if autovacuum == "on":
        return {"autovacuum": autovacuum, "vacuumed_before_run": False}
    cursor.execute("VACUUM (ANALYZE)")
    return {"autovacuum": autovacuum, "vacuumed_before_run": True}


def benchmark_modules(app_config):
    """Dotted names of the modules in an app's `benchmarks` package."""
    folder = Path(app_config.path) / "benchmarks"
    files = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    return [f"{app_config.name}.benchmarks.{path.stem}" for path in files]


def discover_benchmarks(pattern):
    """(qualified name, function) for every `bench_*` in the apps' benchmark modules."""
    found = []
    for app_config in apps.get_app_configs():
        for module_name in benchmark_modules(app_config):
            module = importlib.import_module(module_name)
            for name, function in sorted(vars(module).items()):
                qualified = f"{app_config.label}.{name.removeprefix('bench_')}"
                if name.startswith("bench_") and callable(function):
                    if not pattern or re.search(pattern, qualified):
                        found.append((qualified, function))
    return found


class Command(BaseCommand):
    help = "Load the synthetic dataset (idempotent) and run every app's benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=1_000_000)
        parser.add_argument("--ratings", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--only", default="", help="regex on app.benchmark names")
        parser.add_argument(
            "--out",
            default=str(Path(settings.BASE_DIR) / "var" / "bench" / "bench.json"),
        )

    def handle(self, candidates, ratings, repeat, only, out, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("warning: benchmarks are meant for PostgreSQL")
        started = time.perf_counter()
        load_synthetic_catalogue(candidates)
        load_synthetic_ratings(ratings)
        load_seconds = time.perf_counter() - started
        self.stdout.write(f"dataset ready in {load_seconds:.1f} s")
        maintenance = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                maintenance = vacuum_if_autovacuum_is_off(cursor)
        user, created = get_user_model().objects.get_or_create(
            username=BENCH_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        dataset = {"candidates": candidates, "ratings": ratings, "project": "bench"}
        ctx = BenchContext(user=user, repeat=repeat, dataset=dataset)
        results = {}
        for name, function in discover_benchmarks(only):
            self.stdout.write(f"running {name} ...")
            try:
                results[name] = function(ctx)
            except Exception as exc:  # a failing benchmark is reported, not fatal
                results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            self.stdout.write(f"  {name}: {json.dumps(results[name])}")
        tuning = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tuning = postgres_settings(cursor)
        report = {
            "generated_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "postgres_settings": tuning,
            "postgres_maintenance": maintenance,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "dataset": dataset,
            "dataset_load_seconds": round(load_seconds, 1),
            "results": results,
        }
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(report, indent=2))
        self.stdout.write(self.style.SUCCESS(f"wrote {out}"))
