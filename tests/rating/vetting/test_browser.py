"""The candidate page in headless Chromium: Firefly embedding, fallback preview,
keyboard-only rating and the GIF player.

No Firefly server runs here, so a stand-in `firefly_loader.js` served by a
local HTTP server defines `window.firefly`, records `showImage` calls and
calls `window.onFireflyLoaded`, as the real loader does.
"""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalogue.survey.models import CandidateFile
from rating.models import Rating, Tag
from rating.vetting.previews import stretch_limits
from tests.browser import launched_chromium, logged_in_context
from tests.factories import BeamFactory, CandidateFactory, TagFactory
from tests.standins import StandInHandler, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAND_IN_LOADER = b"""
window.fireflyCalls = [];
window.fireflyRangeRequests = [];
window.firefly = {
  util: {image: {RangeValues: {makeRV: function (options) {
    window.fireflyRangeRequests.push(options);
    return {toJSON: function () { return "rv:" + JSON.stringify(options); }};
  }}}},
  showImage: function (divId, request) {
    var div = document.getElementById(divId);
    window.fireflyCalls.push(
      {div: divId, visible: !!div && !div.hidden, request: request});
  }
};
setTimeout(function () { window.onFireflyLoaded(window.firefly); }, 50);
"""
SILENT_LOADER = b"/* a loader whose API never becomes ready */"


class FireflyStandIn(StandInHandler):
    def do_GET(self):
        body = {
            "/firefly/firefly_loader.js": STAND_IN_LOADER,
            "/silent/firefly_loader.js": SILENT_LOADER,
        }.get(self.path)
        if body is None:
            self.reply(404)
        else:
            self.reply(200, body, "application/javascript")


@pytest.fixture(scope="module")
def firefly_stand_in():
    with serve_in_thread(FireflyStandIn) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def browser_page(chromium, live_server, rater):
    """A 1280 px wide page logged in as the rater."""
    context = logged_in_context(chromium, live_server, rater)
    page = context.new_page()
    yield page
    context.close()


def open_candidate(page, live_server, candidate, query=""):
    url = live_server.url + reverse("rating:candidate", args=[candidate.pk]) + query
    page.goto(url)
    return url


def absolute_range(limits):
    """The makeRV options of the absolute linear range `limits`."""
    low, high = limits
    return {
        "lowerWhich": 90,
        "lowerValue": low,
        "upperWhich": 90,
        "upperValue": high,
        "algorithm": 44,
    }


def test_firefly_is_asked_for_the_stored_files_on_the_previews_stretch(
    browser_page, live_server, demo_candidate, settings, firefly_stand_in
):
    """Firefly is a stand-in here (none runs on this machine): the test checks
    the requests the page sends it, which carry the previews' zscale limits
    as an absolute range, and the shared stretch once it is chosen."""
    settings.FIREFLY_URL = firefly_stand_in + "/firefly"
    open_candidate(browser_page, live_server, demo_candidate)
    browser_page.wait_for_function(
        "window.fireflyCalls && window.fireflyCalls.length == 2"
    )

    calls = browser_page.evaluate("window.fireflyCalls")
    ranges = browser_page.evaluate("window.fireflyRangeRequests")
    deep = demo_candidate.files.get(kind=CandidateFile.Kind.DEEPCUTOUT_FITS)
    cube = demo_candidate.files.get(kind=CandidateFile.Kind.SLICES_FITS)
    cube_stretches = [stretch_limits([deep]), stretch_limits([cube])]

    assert ranges == [absolute_range(limits) for limits in cube_stretches]
    assert [call["request"]["File"] for call in calls] == [
        f"/external/{deep.file.name}",
        f"/external/{cube.file.name}",
    ]
    for call, options in zip(calls, ranges, strict=True):
        assert call["visible"]
        assert call["request"]["RangeValues"] == "rv:" + json.dumps(
            options, separators=(",", ":")
        )
        assert call["request"]["plotId"] in call["div"]
        assert "MultiImageIdx" not in call["request"]  # whole cube: frame navigation
    expect(browser_page.locator("[data-viewer=deep] [data-preview]")).to_be_hidden()
    expect(
        browser_page.locator("[data-viewer=deep] [data-viewer-status]")
    ).to_have_text("Firefly")

    browser_page.check("[data-shared-stretch]")
    browser_page.wait_for_function("window.fireflyCalls.length == 4")
    shared = absolute_range(stretch_limits([deep, cube]))
    again = browser_page.evaluate("window.fireflyCalls.slice(2)")
    assert [call["request"]["plotId"] for call in again] == [
        call["request"]["plotId"] for call in calls
    ]
    assert browser_page.evaluate("window.fireflyRangeRequests.slice(2)") == [
        shared,
        shared,
    ]


def test_without_firefly_both_previews_can_share_one_stretch(
    browser_page, live_server, demo_candidate, tmp_path
):
    open_candidate(browser_page, live_server, demo_candidate)
    toggle = browser_page.locator("[data-shared-stretch]")
    expect(toggle).to_be_visible()
    browser_page.locator("[data-viewer=slices] [data-plane-input]").fill("2")

    toggle.check()

    deep = browser_page.locator("[data-viewer=deep] img[data-preview]")
    slices = browser_page.locator("[data-viewer=slices] img[data-preview]")
    expect(deep).to_have_attribute(
        "src", re.compile(r"deepcutout_fits\.png\?stretch=shared$")
    )
    expect(slices).to_have_attribute(
        "src", re.compile(r"slices_fits\.png\?plane=2&stretch=shared$")
    )
    for image in (deep, slices):  # the shared-stretch PNGs have loaded
        assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 256
    browser_page.locator("#images-heading").locator("..").screenshot(
        path=str(tmp_path / "candidate-shared-stretch.png")
    )
    toggle.uncheck()
    expect(slices).to_have_attribute("src", re.compile(r"slices_fits\.png\?plane=2$"))


def test_without_firefly_the_zscale_preview_is_shown(
    browser_page, live_server, demo_candidate
):
    open_candidate(browser_page, live_server, demo_candidate)
    preview = browser_page.locator("[data-viewer=deep] img[data-preview]")

    expect(preview).to_be_visible()
    browser_page.wait_for_function(
        "document.querySelector('[data-viewer=deep] [data-preview]').naturalWidth > 0"
    )
    assert preview.evaluate("img => img.naturalWidth") == 256
    # a cube plane can be chosen in the preview
    slider = browser_page.locator("[data-viewer=slices] [data-plane-input]")
    slider.fill("2")
    expect(
        browser_page.locator("[data-viewer=slices] [data-plane-label]")
    ).to_have_text("3 / 4")
    src = browser_page.locator("[data-viewer=slices] img[data-preview]").get_attribute(
        "src"
    )
    assert src.endswith("slices_fits.png?plane=2")


def test_silent_firefly_falls_back_to_the_preview_after_the_timeout(
    browser_page, live_server, demo_candidate, settings, firefly_stand_in, monkeypatch
):
    monkeypatch.setattr("rating.vetting.page.FIREFLY_TIMEOUT_MS", 400)
    settings.FIREFLY_URL = firefly_stand_in + "/silent"
    open_candidate(browser_page, live_server, demo_candidate)

    status = browser_page.locator("[data-viewer=deep] [data-viewer-status]")
    expect(status).to_have_text("zscale preview (Firefly did not respond)")
    expect(browser_page.locator("[data-viewer=deep] img[data-preview]")).to_be_visible()
    expect(
        browser_page.locator("#firefly-deep-" + str(demo_candidate.pk))
    ).to_be_hidden()


def test_gif_player_steps_frames(browser_page, live_server, demo_candidate):
    open_candidate(browser_page, live_server, demo_candidate)
    player = browser_page.locator("[data-gif-player]")
    label = player.locator("[data-gif-label]")

    expect(player.locator("[data-gif-toggle]")).to_have_text("Pause")  # playing
    player.locator("[data-gif-toggle]").click()
    expect(player.locator("[data-gif-toggle]")).to_have_text("Play")
    player.locator("[data-gif-slider]").fill("0")
    expect(label).to_have_text("frame 1 / 4")
    player.locator("[data-gif-step='1']").click()
    expect(label).to_have_text("frame 2 / 4")
    assert player.locator("[data-gif-image]").get_attribute("src").endswith("/1.png")
    player.locator("[data-gif-step='-1']").click()
    player.locator("[data-gif-step='-1']").click()
    expect(label).to_have_text("frame 4 / 4")  # wraps round
    browser_page.wait_for_function(
        "document.querySelector('[data-gif-image]').naturalWidth > 0"
    )


@pytest.mark.django_db(transaction=True)
def test_rating_with_the_keyboard_only(browser_page, live_server, rater):
    # live-server tests flush the tables, default tags included: make two
    TagFactory(name="Flaring star")
    TagFactory(name="Unknown")
    beam = BeamFactory()
    first, second, third = CandidateFactory.create_batch(3, beam=beam)
    Rating.objects.create(candidate=second, user=rater, label="false")
    tags = list(Tag.objects.all())

    open_candidate(browser_page, live_server, first)
    keyboard = browser_page.keyboard
    keyboard.press("?")
    expect(browser_page.locator("#key-help")).to_be_visible()
    keyboard.press("Escape")
    expect(browser_page.locator("#key-help")).to_be_hidden()

    keyboard.press("f")
    keyboard.press("2")
    keyboard.press("s")  # save and stay
    expect(browser_page.locator(".current-rating")).to_contain_text("False")
    rating = Rating.objects.get(candidate=first, user=rater)
    assert (rating.label, rating.tag) == ("false", tags[1])

    keyboard.press("t")
    keyboard.press("1")
    keyboard.press("n")  # rate & next: the second is already mine, so the third
    browser_page.wait_for_url(
        live_server.url + reverse("rating:candidate", args=[third.pk])
    )
    rating.refresh_from_db()
    assert (rating.label, rating.tag) == ("true", tags[0])
    assert rating.history.count() == 2

    keyboard.press("n")  # no label chosen: skip; nothing else is left but this
    expect(browser_page.locator("h1")).to_have_text(third.name)
    keyboard.press("u")
    keyboard.press("n")
    expect(browser_page.locator("[data-all-done]")).to_be_visible()
    assert Rating.objects.get(candidate=third, user=rater).label == "unsure"


def test_lightcurve_zoom_redraws_the_chart_and_reports_a_bad_range(
    browser_page, live_server, demo_candidate
):
    open_candidate(browser_page, live_server, demo_candidate)
    points = browser_page.locator("[data-lightcurve] circle.lc-point")
    form = browser_page.locator("[data-lc-zoom]")
    expect(points).to_have_count(20)

    form.locator("input[name=t0]").fill("50")
    form.locator("input[name=t1]").fill("100")
    form.locator("button[type=submit]").click()
    expect(points).to_have_count(5)

    form.locator("input[name=t1]").fill("20")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-lc-error]")).to_have_text(
        "t1 must be at least 0.01 s later than t0."
    )
    expect(points).to_have_count(5)  # the last good chart stays

    form.locator("[data-lc-reset]").click()
    expect(points).to_have_count(20)
