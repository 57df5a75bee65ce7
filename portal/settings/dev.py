"""Local development: `make run`. DEBUG on, SQLite unless DATABASE_URL is set."""

import os

from portal.settings.base import *  # noqa: F401,F403
from portal.settings.base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
)
# `runserver` serves static files from the app folders; whitenoise needs collectstatic.
MIDDLEWARE = [name for name in MIDDLEWARE if "whitenoise" not in name]  # noqa: F405
