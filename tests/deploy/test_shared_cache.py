"""Two portal servers share one Redis cache, as the web workers and
containers of a deployment do: a rate limit reached through one is enforced
by the other, and a cache invalidation made through one is seen by the other.

Each server is a single-worker gunicorn with production settings on one
SQLite file and REDIS_URL pointing at a Redis database of this test's own.
"""

import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from requests import Session

from tests.deploy.conftest import REPO, free_port
from tests.deploy.servers import (
    prepare_portal,
    production_env,
    redis_url,
    start_gunicorn,
    stop,
    wait_for_port,
)

pytestmark = pytest.mark.slow

REDIS_DB = 13  # this module's own Redis database
USERNAME = "curator"
PASSWORD = "a-long-test-password-5521"
PROJECT_LABEL = "Alpha Shared-Cache Survey"
PROJECT_OPTION = f'<option value="alpha">{PROJECT_LABEL}</option>'

CREATE_PROJECT = f"""
import django
django.setup()
from catalogue.survey.models import Project
Project.objects.create(slug="alpha", name={PROJECT_LABEL!r})
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    redis = redis_url(REDIS_DB)
    if redis is None:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    root = tmp_path_factory.mktemp("shared-cache")
    env = production_env(
        root,
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=redis,
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback only
        SECURE_COOKIES="false",
    )
    prepare_portal(env, USERNAME, PASSWORD, staff=True)
    subprocess.run(
        [sys.executable, "-c", CREATE_PROJECT], cwd=REPO, env=env, check=True
    )
    ports = [free_port(), free_port()]
    processes = [start_gunicorn(env, port, root, workers=1) for port in ports]
    try:
        for port, process in zip(ports, processes):
            wait_for_port(port, process)
        yield SimpleNamespace(
            first=f"http://127.0.0.1:{ports[0]}", second=f"http://127.0.0.1:{ports[1]}"
        )
    finally:
        for process in processes:
            stop(process)
        redis_url(REDIS_DB)  # leave the database empty


def session():
    browser = Session()
    browser.trust_env = False  # no proxy from the environment
    return browser


def post_form(browser, url, data):
    """POST a form of the page at `url` with its CSRF token; return the answer."""
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    return browser.post(
        url, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False
    )


def log_in(browser, base):
    answer = post_form(
        browser, base + "/accounts/login/", {"username": USERNAME, "password": PASSWORD}
    )
    assert answer.status_code == 302


def test_login_failures_through_one_server_throttle_the_other(servers):
    browser = session()
    for _ in range(10):
        wrong = post_form(
            browser,
            servers.first + "/accounts/login/",
            {"username": "shared-target", "password": "wrong"},
        )
        assert wrong.status_code == 200
    refused = post_form(
        browser,
        servers.second + "/accounts/login/",
        {"username": "shared-target", "password": "wrong"},
    )
    assert refused.status_code == 429


def test_a_deletion_through_one_server_clears_the_others_cached_lists(servers):
    browser = session()
    log_in(browser, servers.first)
    # The second server caches the catalogue's project list...
    assert PROJECT_OPTION in browser.get(servers.second + "/catalogue/").text
    # ...the first deletes the project (its signal forgets the cached lists)...
    deleted = post_form(
        browser, servers.first + "/site-admin/projects/alpha/delete/", {}
    )
    assert deleted.status_code == 302
    # ...and the second's next page no longer offers it.
    assert PROJECT_OPTION not in browser.get(servers.second + "/catalogue/").text
