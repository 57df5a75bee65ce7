"""Saved queries and the column choice in real Chromium: choose columns,
filter, save the query shared, open it again from the list."""

import os

import pytest
from playwright.sync_api import expect

from catalogue.browse.saved_queries import SavedQuery
from tests.browser import launched_chromium
from tests.catalogue.browse.listing_data import build_catalogue
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = os.path.join("test-artifacts", "catalogue")


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def test_columns_and_filters_are_saved_and_reopened(
    browser, live_server, transactional_db
):
    build_catalogue()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/catalogue/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url("**/catalogue/")

    page.click(".column-chooser summary")
    page.check(".column-chooser input[value=deep_name]")
    page.click(".column-chooser button[type=submit]")
    page.wait_for_url("**columns=**")
    expect(page.locator(".catalogue-table thead")).to_contain_text("Deep name")

    page.fill("#id_name", "J22")
    page.click(".filter-actions button[type=submit]")
    page.wait_for_url("**name=J22**")
    assert "columns=" in page.url, "applying filters keeps the columns"
    expect(page.locator(".catalogue-table thead")).to_contain_text("Deep name")

    saved = page.locator("#saved-queries")
    saved.locator("summary").click()
    saved.locator("input[name=name]").fill("J22 with deep names")
    saved.locator("input[name=shared]").check()
    saved.locator("button[type=submit]:has-text('Save this query')").click()
    expect(page.locator("body")).to_contain_text(
        "Saved the query 'J22 with deep names'"
    )
    os.makedirs(ARTIFACTS, exist_ok=True)

    page.goto(f"{live_server.url}/catalogue/")
    page.click("#saved-queries summary")
    expect(page.locator("#saved-queries summary")).to_contain_text("(1)")
    page.screenshot(path=os.path.join(ARTIFACTS, "saved-queries.png"), full_page=True)
    page.click("#saved-queries a:has-text('J22 with deep names')")
    page.wait_for_url("**name=J22**")
    expect(page.locator(".catalogue-table tbody tr")).to_have_count(1)
    expect(page.locator(".catalogue-table thead")).to_contain_text("Deep name")
    query = SavedQuery.objects.get()
    assert query.shared and "name=J22" in query.query and "columns=" in query.query
