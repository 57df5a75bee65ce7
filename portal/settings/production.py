"""Production and staging: everything from the environment, fail loudly when missing."""

import os

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F401,F403
from portal.settings.base import MEDIA_URL_EXPIRY_S, env_bool, env_list
from portal.settings.object_storage import s3_media_origin, s3_media_storage


def require_env(name):
    """Return the environment variable `name`, refusing to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set in production."
        )
    return value


DEBUG = False
SECRET_KEY = require_env("SECRET_KEY")
require_env("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ",".join(f"https://{host}" for host in ALLOWED_HOSTS)
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media on several hosts: S3-compatible object storage through django-storages,
# enabled by naming a bucket (portal/settings/object_storage.py).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = s3_media_storage(os.environ, MEDIA_URL_EXPIRY_S)
    MEDIA_STORAGE_ORIGIN = s3_media_origin(os.environ)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Always on in deployments; `SECURE_COOKIES=false` exists only for the loopback
# load test (`make load`), which speaks plain HTTP to gunicorn.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# One cache for every gunicorn worker and web container: login and token
# rate limits, the header menu, the catalogue's reference lists and SIMBAD
# answers. Without REDIS_URL each process keeps its own (a single-process
# server only: limits would multiply by the number of workers and an
# invalidation would reach one worker). Sessions stay in the database, so a
# Redis restart logs nobody out.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
