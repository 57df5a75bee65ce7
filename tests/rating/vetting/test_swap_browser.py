"""The candidate page swaps in the next candidate without a page load, in
headless Chromium: the rating saved on the way, the history entries and the
back button, a next candidate that changed after the page was fetched ahead,
and errors that keep what the rater entered.

A page marker (`window.notReloaded`) tells a swap from a full page load.
"""

# The fixtures come from the other browser module; pytest passes them by name.
# ruff: noqa: F811

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rating.models import Rating, RatingHistory, save_rating
from tests.factories import BeamFactory, CandidateFactory, TagFactory
from tests.rating.vetting.test_browser import (  # noqa: F401 (fixtures)
    browser_page,
    chromium,
    open_candidate,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

IN_ID_ORDER = "?sort=id"


def page_url(live_server, candidate):
    path = reverse("rating:candidate", args=[candidate.pk])
    return live_server.url + path + IN_ID_ORDER


def open_and_wait_ahead(page, live_server, candidate):
    """Open the candidate's page and let it fetch the next one ahead."""
    open_candidate(page, live_server, candidate, IN_ID_ORDER)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.notReloaded = true")


def shows(page, live_server, candidate):
    expect(page.locator("h1")).to_have_text(candidate.name)
    expect(page).to_have_url(page_url(live_server, candidate))


def test_rate_and_next_swaps_pages_and_back_returns(browser_page, live_server, rater):
    first, second, third = CandidateFactory.create_batch(3, beam=BeamFactory())
    page = browser_page
    open_and_wait_ahead(page, live_server, first)

    page.keyboard.press("t")
    page.keyboard.press("n")
    shows(page, live_server, second)
    expect(page.locator(".messages")).to_contain_text(f"Rating of {first.name} saved.")
    expect(page).to_have_title(f"{second.name} · Candidate Portal")
    assert page.evaluate("window.notReloaded") is True, "swapped, not loaded"
    rating = Rating.objects.get()
    assert (rating.candidate, rating.user, rating.label) == (first, rater, "true")
    assert RatingHistory.objects.filter(rating=rating).count() == 1
    expect(page.locator("#list-position")).to_have_text("2 of 3")

    page.keyboard.press("n")  # no label: skip on to the third
    shows(page, live_server, third)
    page.locator("#previous-link").click()
    shows(page, live_server, second)
    assert page.evaluate("window.notReloaded") is True
    assert Rating.objects.count() == 1, "skipping and walking rate nothing"

    page.go_back()
    shows(page, live_server, third)
    page.go_back()
    shows(page, live_server, second)
    page.go_back()
    shows(page, live_server, first)
    expect(page.locator(".current-rating")).to_contain_text("True")
    page.go_forward()
    shows(page, live_server, second)
    assert page.evaluate("window.notReloaded") is True


def test_a_next_candidate_rated_meanwhile_is_not_shown(
    browser_page, live_server, rater
):
    first, second, third = CandidateFactory.create_batch(3, beam=BeamFactory())
    page = browser_page
    open_and_wait_ahead(page, live_server, first)  # fetched the second ahead
    save_rating(second, rater, "false")  # ... which the rater rates in another tab

    page.keyboard.press("f")
    page.keyboard.press("n")
    shows(page, live_server, third)
    rated = set(Rating.objects.values_list("candidate", flat=True))
    assert rated == {first.pk, second.pk}


def test_a_form_error_keeps_the_raters_input(browser_page, live_server, rater):
    first, second = CandidateFactory.create_batch(2, beam=BeamFactory())
    doomed = TagFactory(name="Doomed tag")
    page = browser_page
    open_and_wait_ahead(page, live_server, first)
    page.keyboard.press("u")
    page.select_option("[data-tag-select]", str(doomed.pk))
    page.fill("#id_notes", "sidelobe of the bright source")
    doomed.delete()  # a colleague deletes the tag meanwhile

    page.locator("[data-next-button]").click()
    error = page.locator("[data-rating-error]")
    expect(error).to_contain_text("Select a valid choice")
    shows(page, live_server, first)
    expect(page.locator("#id_notes")).to_have_value("sidelobe of the bright source")
    expect(page.locator("input[name=label][value=unsure]")).to_be_checked()
    assert not Rating.objects.exists()


def test_an_unreachable_portal_keeps_the_raters_input(browser_page, live_server, rater):
    first, second = CandidateFactory.create_batch(2, beam=BeamFactory())
    page = browser_page
    open_and_wait_ahead(page, live_server, first)
    page.route("**/rate/**", lambda route: route.abort())
    page.fill("#id_notes", "check the beam map")
    page.locator("#id_notes").blur()
    page.keyboard.press("t")
    page.keyboard.press("n")
    expect(page.locator("[data-rating-error]")).to_contain_text("could not be reached")
    shows(page, live_server, first)
    expect(page.locator("#id_notes")).to_have_value("check the beam map")

    page.unroute("**/rate/**")
    page.keyboard.press("n")  # the same press again, now saved
    shows(page, live_server, second)
    assert Rating.objects.get().candidate == first
    expect(page.locator("[data-rating-error]")).to_be_hidden()
