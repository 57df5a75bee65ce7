"""Shared fixtures: users for each role, a small demo observation on disk."""

import shutil
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from catalogue.demo.observation import write_demo_observation
from catalogue.ingest.service import ingest_directory
from tests.browser import CHROMIUM_PATH
from tests.factories import UserFactory
from tests.system_tools import INSTALL_COMMAND, MISSING_PACKAGE, needs_package

DEMO_SBID = "SB50230"
DEMO_BEAMS = 2
DEMO_PER_BEAM = 6


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests skip where Debian's Chromium is not installed, and
    transactional tests run after all others, as Django's runner orders them.

    Transactional tests end by flushing the test database, which also
    removes the rows the data migrations made (the Wagtail root and home
    page, default tags, collections); every test after them would miss them.
    pytest-django sorts them last, but pytest then regroups tests that share
    a session-scoped parameter (pytest-playwright's `browser_name`), which
    can pull live-server browser tests to the front; so sort again, stably,
    after every other hook. The same order holds on each xdist worker.
    """
    without_chromium = needs_package("chromium", CHROMIUM_PATH)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(without_chromium)
    items.sort(key=is_transactional)


def is_transactional(item):
    """Whether `item` runs as a TransactionTestCase (pytest-django's rules)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """One closing line naming the missing packages that made tests skip
    (after pytest's short summary, just before the counts)."""
    result = yield
    skipped = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if MISSING_PACKAGE in reason:
            package = reason.split(MISSING_PACKAGE, 1)[1].split()[0]
            skipped[package] = skipped.get(package, 0) + 1
    if skipped:
        counts = ", ".join(f"{name} ({n} tests)" for name, n in sorted(skipped.items()))
        terminalreporter.write_line(
            f"Skipped for missing system packages: {counts}; "
            f"install them with: {INSTALL_COMMAND}"
        )
    return result


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (rate limits, previews, bounds)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, serving one request at a time on SQLite.

    On the in-memory SQLite test database every request thread of the live
    server uses the test's single connection (there is no other way to see
    the same in-memory database). Concurrent requests (the upload client
    sends several at once) would then interleave their transactions on that
    one connection: one request's `atomic` becomes a savepoint inside
    another's, a rollback undoes or keeps the wrong work, and results depend
    on timing, hence on which tests ran before. PostgreSQL gives each thread
    its own connection and is left alone.
    """
    if live_server.thread.connections_override:
        server = live_server.thread.httpd
        server.set_app(_one_request_at_a_time(server.get_app()))
    return live_server


def _one_request_at_a_time(app):
    """`app` under a lock held until its whole response body is produced
    (streamed responses read the database while they are iterated)."""
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()

    return serialised


@pytest.fixture(scope="session")
def demo_source_dir(tmp_path_factory):
    """A small pipeline directory (2 beams × 6 candidates), written once per session."""
    directory = tmp_path_factory.mktemp("demo") / DEMO_SBID
    write_demo_observation(
        directory,
        sbid=DEMO_SBID,
        beams=DEMO_BEAMS,
        per_beam=DEMO_PER_BEAM,
        integrations=20,
        cutout_px=32,
        beam_map_px=32,
        slices=4,
    )
    return directory


@pytest.fixture
def demo_dir(demo_source_dir, tmp_path):
    """A private copy of the demo directory that a test may damage."""
    copy = tmp_path / DEMO_SBID
    shutil.copytree(demo_source_dir, copy)
    return copy


@pytest.fixture
def media_root(settings, tmp_path):
    """An empty MEDIA_ROOT for this test, so stored files can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def ingested(db, demo_source_dir, media_root):
    """The demo observation ingested into the database; returns the Observation."""
    ingest_directory(demo_source_dir, "demo")
    from catalogue.survey.models import Observation

    return Observation.objects.get(sbid=DEMO_SBID)


@pytest.fixture
def rater(db):
    return UserFactory(username="rater")


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    group, _ = Group.objects.get_or_create(name="Editors")
    user.groups.add(group)
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)
