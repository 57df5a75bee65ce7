"""The catalogue page in real Chromium: filter form, sorting, narrow screens."""

import math
import os

import pytest
from playwright.sync_api import expect

from catalogue.browse.bounds import forget_column_bounds
from catalogue.survey.models import Beam
from tests.browser import launched_chromium
from tests.catalogue.browse.listing_data import build_catalogue
from tests.factories import PASSWORD, CandidateFactory

# Playwright's sync API runs an event loop; the live server's ORM calls are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def logged_in(browser, live_server, transactional_db):
    build_catalogue()

    def open_page(width=1280, height=900):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{live_server.url}/accounts/login/?next=/catalogue/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("main form [type=submit]")
        page.wait_for_url("**/catalogue/")
        return page

    return open_page


def test_filter_form_builds_a_short_shareable_url_and_sorting_keeps_it(
    logged_in, tmp_path
):
    page = logged_in()
    expect(page.locator("[data-result-count]")).to_contain_text("10 candidates")
    header = page.locator(".catalogue-table thead th").first
    assert header.evaluate("th => getComputedStyle(th).position") == "sticky"

    page.fill("#id_name", "J22")
    page.click(".filter-actions button[type=submit]")
    page.wait_for_url("**/catalogue/?name=J22")
    assert "cone_ra" not in page.url  # empty fields are left out
    expect(page.locator(".catalogue-table tbody tr")).to_have_count(1)
    expect(page.locator(".catalogue-table tbody")).to_contain_text("J2214-4500")

    page.click(".catalogue-table th a:has-text('Peak (mJy)')")
    page.wait_for_url("**sort=peak_map**")
    assert "name=J22" in page.url
    page.screenshot(path=str(tmp_path / "catalogue-1280.png"), full_page=True)


def test_range_slider_fills_the_number_input(logged_in):
    page = logged_in()
    page.click("summary:has-text('Column ranges')")
    slider = page.locator(".range-slider[data-column=chi_square_sigma] input").first
    slider.evaluate(
        "input => { input.value = 5; input.dispatchEvent(new Event('input')); }"
    )
    assert float(page.input_value("#id_chi_square_sigma_min")) == pytest.approx(5, 0.01)
    page.click(".filter-actions button[type=submit]")
    page.wait_for_url("**chi_square_sigma_min=**")
    expect(page.locator("[data-result-count]")).to_contain_text("6 candidates")


def test_bad_values_are_explained_on_the_page(logged_in, live_server):
    page = logged_in()
    page.goto(f"{live_server.url}/catalogue/?cone_ra=1&cone_dec=95&cone_radius=1")
    expect(page.locator(".filter-alert")).to_contain_text("Dec must be between")
    expect(page.locator(".catalogue-table tbody")).to_contain_text(
        "No candidates match"
    )


def test_narrow_screen_folds_filters_and_scrolls_only_the_table(logged_in, tmp_path):
    page = logged_in(width=400, height=860)
    page.reload()
    assert page.locator("#filters").evaluate("d => d.open") is False
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 400
    expect(page.locator(".catalogue-table tbody tr").first).to_be_visible()
    page.click("#filters > summary")
    expect(page.locator("#id_name")).to_be_visible()
    page.screenshot(path=str(tmp_path / "catalogue-400.png"), full_page=False)


def test_a_flux_slider_is_logarithmic_and_fills_the_input_in_mjy(logged_in, tmp_path):
    """Peak fluxes 1-500 mJy span more than two decades: the slider moves
    along log10 of the mJy value the input takes, boundary row included."""
    CandidateFactory(
        beam=Beam.objects.first(), name="BRIGHT", peak_map=0.5, is_best_beam=True
    )
    forget_column_bounds()
    page = logged_in()
    page.reload()
    page.click("summary:has-text('Column ranges')")
    expect(page.locator("label[for=id_peak_map_min]")).to_have_text(
        "Peak (mJy) log slider"
    )
    slider = page.locator(".range-slider[data-column=peak_map]")
    assert slider.get_attribute("data-scale") == "log"
    low, high = slider.locator("input").all()
    assert float(low.get_attribute("min")) == pytest.approx(0.0)  # log10(1 mJy)
    assert float(low.get_attribute("max")) == pytest.approx(math.log10(500))

    low.evaluate(
        "input => { input.value = 1; input.dispatchEvent(new Event('input')); }"
    )
    assert page.input_value("#id_peak_map_min") == "10"
    page.fill("#id_peak_map_max", "100")
    # log10(100 mJy), to the slider's step (a thousandth of its span)
    assert float(high.input_value()) == pytest.approx(2.0, abs=0.003)
    page.screenshot(path=str(tmp_path / "catalogue-log-slider.png"))

    page.click(".filter-actions button[type=submit]")
    page.wait_for_url("**peak_map_min=10**")
    assert "peak_map_max=100" in page.url
    # A1 (10 mJy, on the boundary), C1 (20) and B1 (50); not BRIGHT (500).
    expect(page.locator("[data-result-count]")).to_contain_text("3 candidates")
