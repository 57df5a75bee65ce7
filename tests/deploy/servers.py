"""Start the portal the way the web container does, for the deployment tests:
collectstatic and migrate with production settings, then gunicorn on loopback.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.deploy.conftest import REPO

SETUP_DATABASE = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0, skip_checks=True)
staff = sys.argv[3] == "staff"
get_user_model().objects.create_user(
    sys.argv[1], password=sys.argv[2], is_staff=staff, is_superuser=staff
)
"""


def production_env(root, **overrides):
    """Production settings on a SQLite file under `root`, as compose.prod.yml
    gives them to the web container (minus PostgreSQL)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in {"DATABASE_URL", "REDIS_URL", "TRUSTED_PROXIES"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="deploy-test-Qm3v8Lx2Rt7Zp5Wc9Yb1Nd4Hf6Jg0Ks-Ua_Ve3Xi7Oq2Ep9Tk5",
        PORTAL_ENVIRONMENT="production",
        DATABASE_URL=f"sqlite:///{root}/portal.sqlite3",
        STATIC_ROOT=str(root / "static"),
        MEDIA_ROOT=str(root / "media"),
    )
    environment.update(overrides)
    return environment


def prepare_portal(env, username, password, staff=False):
    """The image build's collectstatic and the first start's migrate, in
    parallel, plus one login (a superuser when `staff`)."""
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
    )
    migrate = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SETUP_DATABASE,
            username,
            password,
            str(staff and "staff"),
        ],
        cwd=REPO,
        env=env,
    )
    assert collect.wait() == 0 and migrate.wait() == 0


def start_gunicorn(env, port, logs, workers=2, address="127.0.0.1"):
    """gunicorn serving the portal on `address`:`port` (a loopback address);
    logs go to `logs`/."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"{address}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            str(logs / f"gunicorn-{port}-access.log"),
            "--error-logfile",
            str(logs / f"gunicorn-{port}-error.log"),
        ],
        cwd=REPO,
        env=env,
    )


def wait_for_port(port, process, timeout=60, address="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {address}:{port} after {timeout} s")


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_url(db):
    """redis://127.0.0.1:6379/<db>, emptied, or None when no Redis answers.

    Each test uses a database number of its own, so nothing else's keys go.
    """
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError:
        return None
    return url
