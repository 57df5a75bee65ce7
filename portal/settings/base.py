"""Settings shared by every environment.

Values that differ between machines come from the environment; the
environment-specific modules (`dev`, `production`, `test`) only override.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of stripped items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# "dev", "staging" or "production": drives the environment badge.
PORTAL_ENVIRONMENT = os.environ.get("PORTAL_ENVIRONMENT", "dev")
# Reviewers' notes shown on the staging home page when the file exists.
STAGING_DETAILS_PATH = Path(
    os.environ.get("STAGING_DETAILS_PATH", BASE_DIR / "staging-details.html")
)
# Base URL of a Firefly server ("" disables the viewer; the PNG preview is used).
FIREFLY_URL = os.environ.get("FIREFLY_URL", "").rstrip("/")
# Path under which Firefly sees MEDIA_ROOT (compose mounts the media volume there).
FIREFLY_MEDIA_PATH = os.environ.get("FIREFLY_MEDIA_PATH", "/external")
# Optional absolute URL base under which Firefly fetches MEDIA_ROOT files by URL
# instead of by path ("" = pass files by path under FIREFLY_MEDIA_PATH).
FIREFLY_FILE_URL_BASE = os.environ.get("FIREFLY_FILE_URL_BASE", "").rstrip("/")
# SIMBAD TAP sync endpoint for the candidate page's nearby objects ("" disables it),
# e.g. https://simbad.cds.unistra.fr/simbad/sim-tap/sync; timeout in seconds.
SIMBAD_URL = os.environ.get("SIMBAD_URL", "")
SIMBAD_TIMEOUT_S = float(os.environ.get("SIMBAD_TIMEOUT_S", "3"))

INSTALLED_APPS = [
    "portal",
    "home",
    "catalogue",
    "rating",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "portal.security.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.security.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "portal.security.csp_nonce",
            ],
        },
    },
    {
        # The catalogue page's filter panel and table (see portal/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.jinja2.environment"},
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTHENTICATION_BACKENDS = [
    "portal.backends.PortalModelBackend",
    # Project admins may open the Wagtail admin for their projects.
    "catalogue.access.backends.ProjectAdminBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Failed logins per window (seconds) before the login answers 429: per
# account and client address, and per address alone (many accounts, or a
# whole office behind one NAT).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
LOGIN_FAILURE_WINDOW_S = int(os.environ.get("LOGIN_FAILURE_WINDOW_S", "300"))
# Proxies (addresses or CIDRs) whose X-Real-IP header names the client; a
# request from anywhere else is counted under its own connection address.
# Empty in dev and test; compose sets the compose network.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]

# Uploaded survey files; served only to logged-in users (never publicly).
MEDIA_URL = "/media/"
# Media in S3-compatible object storage (production with AWS_STORAGE_BUCKET_NAME):
# the origin browsers fetch the presigned URLs from (allowed by the CSP), and
# the seconds such a URL stays valid after the portal's permission check.
MEDIA_STORAGE_ORIGIN = ""
MEDIA_URL_EXPIRY_S = int(os.environ.get("MEDIA_URL_EXPIRY_S", "60"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Largest single uploaded file and request body, in bytes.
PORTAL_MAX_FILE_BYTES = int(os.environ.get("PORTAL_MAX_FILE_BYTES", str(512 * 1024**2)))
# Flush uploaded files to the disk before their rows commit (off only for
# throwaway test media).
PORTAL_UPLOAD_FSYNC = os.environ.get("PORTAL_UPLOAD_FSYNC", "true").lower() != "false"
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("PORTAL_MAX_REQUEST_BYTES", str(64 * 1024**2))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024**2

WAGTAIL_SITE_NAME = "Candidate Portal"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "zip"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail runs its reference-index task inline and logs every run at INFO.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

# The OpenAPI schema documents the portal's API, not Wagtail's internal one.
SPECTACULAR_SETTINGS = {
    "PREPROCESSING_HOOKS": [
        "catalogue.api.adapters.spectacular.exclude_wagtail_endpoints"
    ],
}
