"""Production settings: deploy checks clean, no start without the secrets.

Each case runs `manage.py` in a fresh process, because the settings module
reads the environment once, at import.
"""

import os
import subprocess
import sys

import pytest

from tests.deploy.conftest import REPO

REALISTIC = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "kP3v9Qx7LmZt2Rw8Yb5Nc1Hd6Jf4Gs0Ua-Ve_Xi3Oq7Ep2Tk9Mz5Ly8Wr1Bn6Cg4",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3",
    "MEDIA_ACCEL_REDIRECT": "true",
    "PORTAL_ENVIRONMENT": "production",
}


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in REALISTIC and not key.startswith("DJANGO_")
    }
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_a_realistic_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **REALISTIC)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_a_weak_secret_key():
    """The clean result above is earned: a bad key is reported."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **REALISTIC | {"SECRET_KEY": "short"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    result = manage("check", **REALISTIC | {missing: None})
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set in production." in (
        result.stderr
    )
    blank = manage("check", **REALISTIC | {missing: "  "})
    assert blank.returncode != 0
    assert "ImproperlyConfigured" in blank.stderr


CACHE_BACKEND = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], "
    "settings.CACHES['default'].get('LOCATION', ''))"
)


def cache_backend(redis_url):
    """[backend, location] of the default cache for this REDIS_URL."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        CACHE_BACKEND,
        **REALISTIC | {"REDIS_URL": redis_url},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_caches_in_redis_when_redis_url_is_set():
    assert cache_backend("redis://redis:6379/0") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://redis:6379/0",
    ]
    assert cache_backend("")[0] == "django.core.cache.backends.locmem.LocMemCache"
