"""Journey 2 in headless Chromium: a rater labels 20 candidates in the grid
with the keyboard, with one bulk action and one undo, and the database holds
exactly the intended ratings and history rows."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rating.models import Rating, RatingHistory
from rating.tag_keys import ProjectTagKey
from tests.browser import launched_chromium, logged_in_context
from tests.factories import BeamFactory, CandidateFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def grid_page(live_server, rater):
    with launched_chromium() as browser:
        context = logged_in_context(browser, live_server, rater)
        yield context.new_page()
        context.close()


def card(page, candidate):
    return page.locator(f"#card-{candidate.pk}")


def mine(page, candidate):
    return card(page, candidate).locator("[data-my-label]")


def test_a_rater_labels_twenty_cards_with_the_keyboard(
    grid_page, live_server, rater, ingested
):
    beam = BeamFactory()
    listed = CandidateFactory.create_batch(24, beam=beam)
    page = grid_page
    tag = TagFactory(name="Flaring star (key 1)")
    ProjectTagKey.objects.create(project=beam.observation.project, key=1, tag=tag)
    project = beam.observation.project.slug
    page.goto(f"{live_server.url}{reverse('scan:grid')}?project={project}&sort=id")
    expect(card(page, listed[0])).to_have_class("scan-card scan-card--focus")

    # Cards 0–13 one by one: t, f, u in turn; card 2 also gets tag key 1.
    labels = ["true", "false", "unsure"]
    keys = {"true": "t", "false": "f", "unsure": "u"}
    intended = {}
    for index in range(14):
        label = labels[index % 3]
        page.keyboard.press(keys[label])
        expect(mine(page, listed[index])).to_have_attribute("data-my-label", label)
        intended[listed[index].pk] = label
        if index == 2:
            page.keyboard.press("1")
            expect(card(page, listed[index]).locator("[data-my-tag]")).to_have_text(
                tag.name
            )
        page.keyboard.press("j")

    # A slip on card 14, undone with z: the rating goes, with its history.
    page.keyboard.press("f")
    expect(mine(page, listed[14])).to_have_attribute("data-my-label", "false")
    page.keyboard.press("z")
    expect(mine(page, listed[14])).to_have_attribute("data-my-label", "")

    # Cards 14–19 selected with x and labelled True at once with Shift+T.
    for index in range(14, 20):
        page.keyboard.press("x")
        page.keyboard.press("ArrowRight")
        intended[listed[index].pk] = "true"
    expect(card(page, listed[19])).to_have_class("scan-card scan-card--selected")
    page.keyboard.press("Shift+T")
    for index in range(14, 20):
        expect(mine(page, listed[index])).to_have_attribute("data-my-label", "true")
    expect(page.locator(".scan-card--selected")).to_have_count(0)

    ratings = Rating.objects.filter(user=rater)
    assert dict(ratings.values_list("candidate_id", "label")) == intended
    assert list(ratings.exclude(tag=None).values_list("candidate_id", "tag")) == [
        (listed[2].pk, tag.pk)
    ]
    history = RatingHistory.objects.filter(rating__user=rater)
    assert history.count() == 21  # one per label, one for the tag
    assert list(
        history.filter(rating__candidate=listed[2])
        .order_by("id")
        .values_list("label", "tag")
    ) == [("unsure", None), ("unsure", tag.pk)]
    assert history.filter(rating__candidate=listed[14]).count() == 1

    # Enter opens the focused candidate with the list's filters and sort.
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/candidates/{listed[20].pk}/?project={project}&sort=id")


def test_the_help_lists_the_keys_and_the_project_tag_order(
    grid_page, live_server, ingested
):
    # (Live-server tests start from empty tables: no default tags.)
    flare, agn = TagFactory(name="Flare"), TagFactory(name="AGN")
    for key, tag in ((1, agn), (2, flare)):
        ProjectTagKey.objects.create(project=ingested.project, key=key, tag=tag)
    page = grid_page
    page.goto(live_server.url + reverse("scan:grid"))
    page.keyboard.press("?")
    help_box = page.locator("#key-help")
    expect(help_box).to_be_visible()
    rows = help_box.locator(f"[data-tag-keys='{ingested.project_id}'] tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("1AGN")
    expect(rows.nth(1)).to_have_text("2Flare")
    page.screenshot(path="test-artifacts/scan-help.png")
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()
    expect(page.locator(".scan-card img").first).to_be_visible()
    page.screenshot(path="test-artifacts/scan-grid.png", full_page=False)
