"""End-to-end journeys of the four kinds of user, in headless Chromium.

A real portal (`manage.py runserver`, its own SQLite database with the demo
observation, demo raters, pages and release notes from `setup_demo`) is
started as a subprocess, once for the whole module, plus a second server in
staging mode on the same database. Nothing is mocked. Screenshots of each
step are saved under `test-artifacts/journeys/`.
"""

import csv
import io
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from astropy.table import Table
from playwright.sync_api import expect

from catalogue.demo.observation import write_demo_observation
from tests.browser import launched_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "journeys"
RATER = ("ada", "demo-rater-2026")  # created by `make_demo_ratings`
STAFF = ("demo", "demo-portal-2026")  # created by `setup_demo`
EDITOR = ("edna", "editor-password-2026")
NOTE_TITLE = "Release 9.9 for the journeys test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """Base environment and URLs of a dev server and a staging server."""
    folder = tmp_path_factory.mktemp("journeys")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    demo = write_demo_observation(
        folder / "demo" / "SB50230", beams=2, per_beam=12, integrations=30, slices=6
    )

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    manage("migrate", "--noinput")
    manage("setup_demo", "--directory", str(demo))
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('{EDITOR[0]}', password='{EDITOR[1]}');"
        "u.groups.add(Group.objects.get(name='Editors'))",
    )
    servers, urls = [], {}
    for flavour in ("dev", "staging"):
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",  # DEBUG is off: let runserver serve static files
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env={**env, "PORTAL_ENVIRONMENT": flavour},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        urls[flavour] = f"http://127.0.0.1:{port}"
        wait_until_up(urls[flavour], server)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield {
        "urls": urls,
        "database": folder / "portal.sqlite3",
        "media": folder / "media",
    }
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium() as browser:
        yield browser


def query(portal, sql, *params):
    with sqlite3.connect(portal["database"]) as connection:
        return connection.execute(sql, params).fetchall()


def log_in(page, base, credentials):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.click("main button[type=submit]")
    expect(page.locator(".user-menu")).to_contain_text(credentials[0])


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_rater_filters_rates_five_with_the_keyboard_and_exports(portal, chromium):
    base = portal["urls"]["dev"]
    page = chromium.new_page(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    log_in(page, base, RATER)
    (before,) = query(
        portal,
        "SELECT count(*) FROM rating_rating r JOIN auth_user u ON u.id = r.user_id "
        "WHERE u.username = ?",
        RATER[0],
    )[0]

    page.goto(base + "/catalogue/?rating_status=unrated_by_me&sort=-chi_square_sigma")
    expect(page.locator("table")).to_be_visible()
    shot(page, "rater-1-catalogue")
    with page.expect_navigation(wait_until="load"):  # the page's keyboard script too
        page.locator("table tbody a[href*='/candidates/']").first.click()
    rated = []
    for number in range(5):
        page.wait_for_selector("form [data-next-button]")
        rated.append(page.url)
        page.keyboard.press("t" if number % 2 else "f")
        page.keyboard.press("2")
        shot(page, f"rater-2-candidate-{number}")
        with page.expect_navigation():
            page.keyboard.press("n")
    shot(page, "rater-3-after-five")

    (after,) = query(
        portal,
        "SELECT count(*) FROM rating_rating r JOIN auth_user u ON u.id = r.user_id "
        "WHERE u.username = ?",
        RATER[0],
    )[0]
    assert after - before == 5
    assert len(set(rated)) == 5, "each keypress 'n' opened a new candidate"
    assert "rating_status=unrated_by_me" in page.url, "the filters travel along"

    page.goto(base + "/catalogue/?chi_square_sigma_min=1")
    with page.expect_download() as download_info:
        page.click("text=Export CSV")
    text = Path(download_info.value.path()).read_text()
    assert not any(line.startswith("#") for line in text.splitlines())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(float(row["chi_square_sigma"]) >= 1 for row in rows)
    with page.expect_download() as download_info:
        page.click("text=Export ECSV")
    table = Table.read(download_info.value.path(), format="ascii.ecsv")
    assert "chi_square_sigma_min=1" in table.meta["filters"]
    assert len(table) == len(rows)


def test_editor_publishes_a_release_note(portal, chromium):
    base = portal["urls"]["dev"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, EDITOR)
    ((index_id,),) = query(
        portal, "SELECT id FROM wagtailcore_page WHERE slug = 'release-notes'"
    )
    page.goto(f"{base}/cms/pages/add/home/releasenotepage/{index_id}/")
    page.fill("#id_title", NOTE_TITLE)
    page.fill("#id_version", "9.9.0")
    page.fill("#id_release_date", "2026-11-28")
    page.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Paragraph").first.click()
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Faster catalogue and keyboard-first rating.")
    # Draftail copies the text into the form's hidden input a moment after the
    # last keystroke; publishing before that would send an empty paragraph.
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile("keyboard-first rating")
    )
    shot(page, "editor-1-form")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    publish = page.locator("button[name=action-publish]")
    expect(publish).to_be_visible()  # the dropdown has opened
    # Generous: the suite's other worker shares the two cores with this server.
    with page.expect_navigation(url=f"**/cms/pages/{index_id}/", timeout=90_000):
        publish.click()
    shot(page, "editor-2-published")

    page.goto(base + "/release-notes/")
    expect(page.locator("main")).to_contain_text("9.9.0")
    shot(page, "editor-3-release-notes")
    assert query(
        portal, "SELECT live FROM wagtailcore_page WHERE title = ?", NOTE_TITLE
    ) == [(1,)]


def test_staging_reviewer_sees_the_banner_and_release_notes(portal, chromium):
    base = portal["urls"]["staging"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/")
    expect(page.locator("header")).to_contain_text("[STAGING]")
    expect(page.locator("main")).to_contain_text("What to review on staging")
    shot(page, "staging-1-home")
    page.goto(base + "/release-notes/")
    expect(page.locator("header")).to_contain_text("[STAGING]")
    expect(page.locator("main article, main li").first).to_be_visible()
    shot(page, "staging-2-release-notes")

    dev = chromium.new_page()
    dev.goto(portal["urls"]["dev"] + "/")
    expect(dev.locator("body")).not_to_contain_text("[STAGING]")


def test_staff_deletes_an_observation_from_site_admin(portal, chromium):
    base = portal["urls"]["dev"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, STAFF)
    page.goto(base + "/site-admin/")
    shot(page, "staff-1-site-admin")
    page.locator("a[href*='/site-admin/observations/']").first.click()
    expect(page.locator("main")).to_contain_text("candidates")
    shot(page, "staff-2-confirm")
    page.click("main button[type=submit]")
    page.wait_for_url("**/site-admin/")
    shot(page, "staff-3-after-delete")

    (files_left,) = query(portal, "SELECT count(*) FROM catalogue_candidatefile")[0]
    assert files_left == 0, "the candidates' file rows went with the observation"
    assert query(portal, "SELECT count(*) FROM catalogue_observation") == [(0,)]
    assert query(portal, "SELECT count(*) FROM catalogue_candidate") == [(0,)]
    observation_media = portal["media"] / "surveys" / "vast-demo" / "SB50230"
    assert not [path for path in observation_media.rglob("*") if path.is_file()]
