"""A project admin restricts their project and adds a member, in Chromium;
a non-member's catalogue no longer lists it, the new member's does.

Screenshots of each step go to `test-artifacts/project-admin/`.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalogue.access.models import Membership, MembershipLog, Role
from tests.browser import launched_chromium
from tests.factories import PASSWORD, CandidateFactory, ProjectFactory, UserFactory

# Playwright's sync API runs an event loop; the live server's ORM calls are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "project-admin"


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def log_in(browser, live_server, username, next_path):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"**{next_path}")
    return page


def test_admin_restricts_and_adds_a_member(browser, live_server, transactional_db):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    vast = ProjectFactory(slug="vast", name="VAST embargoed field")
    CandidateFactory(beam__observation__project=vast, name="J-vast-secret", ra=1, dec=2)
    CandidateFactory(
        beam__observation__project=ProjectFactory(slug="open-sky"), name="J-open-1"
    )
    pat = UserFactory(username="pat")
    Membership.objects.create(project=vast, user=pat, role=Role.ADMIN)
    UserFactory(username="mia")
    UserFactory(username="otto")

    outsider = log_in(browser, live_server, "otto", "/catalogue/")
    expect(outsider.locator("table")).to_contain_text("J-vast-secret")

    admin = log_in(browser, live_server, "pat", "/project-admin/")
    admin.click("text=Manage members…")
    admin.wait_for_url("**/project-admin/vast/")
    admin.check("#project-settings input[name=is_restricted]")
    admin.click("#project-settings [type=submit]")
    expect(admin.locator("body")).to_contain_text("is restricted")
    admin.fill("#member-form input[name=username]", "mia")
    admin.select_option("#member-form select[name=role]", "rater")
    admin.click("#member-form [type=submit]")
    expect(admin.locator("#members")).to_contain_text("mia")
    expect(admin.locator("#membership-log")).to_contain_text("pat: member added mia")
    expect(admin.locator("#membership-log")).to_contain_text("project restricted")
    admin.screenshot(path=str(ARTIFACTS / "1-admin-page.png"), full_page=True)

    outsider.reload()
    expect(outsider.locator("table")).to_contain_text("J-open-1")
    expect(outsider.locator("table")).not_to_contain_text("J-vast-secret")
    project_options = outsider.locator(
        "select[name=project] option"
    ).all_text_contents()
    assert not any("VAST" in option for option in project_options)
    outsider.screenshot(
        path=str(ARTIFACTS / "2-outsider-catalogue.png"), full_page=True
    )

    member = log_in(browser, live_server, "mia", "/catalogue/")
    expect(member.locator("table")).to_contain_text("J-vast-secret")
    member.screenshot(path=str(ARTIFACTS / "3-member-catalogue.png"), full_page=True)

    actions = list(
        MembershipLog.objects.order_by("id").values_list("actor_username", "action")
    )
    assert actions == [("pat", "restricted"), ("pat", "added")]
