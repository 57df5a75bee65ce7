"""Test settings: fast hashing, isolated media folder, no external requests."""

import os
import tempfile
from pathlib import Path

from portal.settings.base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(
    os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-media-")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# runserver-style static serving is enough for tests; whitenoise needs collectstatic.
MIDDLEWARE = [name for name in MIDDLEWARE if "whitenoise" not in name]  # noqa: F405
