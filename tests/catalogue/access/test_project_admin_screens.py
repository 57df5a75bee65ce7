"""Screens a project admin (no staff) uses, in Chromium: the project admin
page with its observations, the deletion's confirmation, and their members
in the Wagtail admin (screenshots land in the test's tmp_path)."""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership, Role
from tests.browser import launched_chromium, logged_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_project_admin_screens(live_server, ingested, tmp_path):
    pat = UserFactory(username="pat")
    Membership.objects.create(project=ingested.project, user=pat, role=Role.ADMIN)
    Membership.objects.create(
        project=ingested.project, user=UserFactory(username="mia"), role=Role.VIEWER
    )
    with launched_chromium() as chromium:
        context = logged_in_context(chromium, live_server, pat)
        page = context.new_page()
        page.goto(live_server.url + reverse("projects:manage", args=["demo"]))
        page.get_by_role("link", name="Delete…").click()
        assert page.get_by_role("heading", name="Delete observation demo/SB50230?")
        page.screenshot(path=str(tmp_path / "confirm.png"), full_page=True)
        page.goto(live_server.url + reverse("projects:manage", args=["demo"]))
        page.screenshot(path=str(tmp_path / "manage.png"), full_page=True)
        page.goto(live_server.url + reverse("cms_memberships:index"))
        assert page.get_by_text("mia").first.is_visible()
        page.screenshot(path=str(tmp_path / "cms-members.png"))
        context.close()
