"""The ratings summary and a staff deletion in real Chromium."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from rating.models import Rating
from tests.browser import launched_chromium
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop; the test still reads the DB.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launched_chromium() as browser:
        yield browser.new_page()


def test_staff_filter_then_delete_a_rating(
    chromium_page, live_server, transactional_db, rated, staff
):
    page = chromium_page
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")

    page.goto(live_server.url + reverse("ratings:summary"))
    page.select_option("select[name=user]", "cat")
    page.click("text=Apply filters")
    assert "user=cat" in page.url
    assert page.locator("svg.bar-chart").count() == 3
    assert page.locator("table.ratings-table tbody tr").count() == 1

    page.click("table.ratings-table >> text=Delete")
    page.click("button:has-text('Delete rating')")
    assert "Deleted rating of J000001-000001" in page.inner_text(".messages")
    assert not Rating.objects.filter(user__username="cat").exists()
    assert LogEntry.objects.get().user == staff
