"""Journeys of raters working as a team, in headless Chromium.

The same real portal as `test_user_journeys` (a `runserver` subprocess on
its own SQLite database with the demo observation and demo raters; this
module starts its own): new raters who have rated nothing, the demo raters
who have rated most candidates, and nothing mocked. Set-up that is not a
user's action (new accounts, a candidate with two agreeing ratings) goes
through `manage.py shell` and the portal's own `save_rating`.

1. A rater sorts by significance, presses `n` 12 times and meets the list's order.
3. A second rater sees colleagues' votes only after voting.
4. A candidate that reaches retirement leaves the queue.
"""

# The fixtures `portal` and `chromium` are imported from the other journeys
# module (this module gets its own server); pytest passes them by name.
# ruff: noqa: F811

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.journeys.test_user_journeys import (  # noqa: F401 (fixtures)
    ROOT,
    chromium,
    log_in,
    portal,
    query,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "team-journey-2026"
RITA, SAM, TESS = (("rita", PASSWORD), ("sam", PASSWORD), ("tess", PASSWORD))
QUEUE = "rating_status=needs_ratings&sort=-chi_square_sigma"
CANDIDATE_ID = re.compile(r"/candidates/(\d+)/")


def manage_shell(portal, code):
    """Run Python in `manage.py shell` against the journey portal's database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{portal['database']}",
        "MEDIA_ROOT": str(portal["media"]),
    }
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def raters(portal):
    """Three new raters who have rated nothing yet."""
    manage_shell(
        portal,
        "from django.contrib.auth.models import User\n"
        + "".join(
            f"User.objects.create_user({name!r}, password={PASSWORD!r})\n"
            for name, _ in (RITA, SAM, TESS)
        ),
    )
    return portal


def candidate_id(url):
    return int(CANDIDATE_ID.search(url).group(1))


def listed_ids(page):
    """Candidate ids of the catalogue page's rows, in the page's order."""
    hrefs = page.locator("table tbody a[href*='/candidates/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    ids = []
    for href in hrefs:
        found = candidate_id(href)
        if found not in ids:
            ids.append(found)
    return ids


def ratings_of(portal, candidate):
    return query(
        portal,
        "SELECT u.username, r.label FROM rating_rating r "
        "JOIN auth_user u ON u.id = r.user_id WHERE r.candidate_id = ? "
        "ORDER BY u.username",
        candidate,
    )


def test_1_pressing_n_twelve_times_meets_the_significance_order(raters, chromium):
    base = raters["urls"]["dev"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, RITA)
    page.goto(base + "/catalogue/?sort=-chi_square_sigma&best_beam=off")
    listed = listed_ids(page)
    assert len(listed) >= 13
    shot(page, "team-1-catalogue-by-significance")

    with page.expect_navigation(wait_until="load"):
        page.locator(f"table tbody a[href*='/candidates/{listed[0]}/']").first.click()
    page.evaluate("window.notReloaded = true")
    met = [candidate_id(page.url)]
    for number in range(12):
        page.wait_for_selector("form [data-next-button]")
        before = page.url
        page.keyboard.press("n")  # no label chosen: on to the next in the list
        page.wait_for_url(lambda url, before=before: url != before)
        met.append(candidate_id(page.url))
        expect(page.locator("#previous-link")).to_have_attribute(
            "href", re.compile(rf"/candidates/{met[-1]}/")
        )
        if number == 2:
            shot(page, "team-1-after-three-swaps")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#main img')].every(i => i.complete)"
    )
    shot(page, "team-1-after-twelve")
    assert page.evaluate("window.notReloaded") is True, "each page swapped in"
    page.reload()  # the same candidate by a full load, to compare the screenshots
    shot(page, "team-1-after-twelve-reloaded")

    assert met == listed[:13]
    assert "sort=-chi_square_sigma" in page.url
    assert query(
        raters,
        "SELECT count(*) FROM rating_rating r JOIN auth_user u ON u.id = r.user_id "
        "WHERE u.username = 'rita'",
    ) == [(0,)], "n without a label rates nothing"


def test_3_colleagues_votes_appear_only_after_my_vote(raters, chromium):
    base = raters["urls"]["dev"]
    rated = query(
        raters,
        "SELECT candidate_id FROM rating_rating GROUP BY candidate_id "
        "HAVING count(*) >= 2 ORDER BY candidate_id LIMIT 1",
    )
    ((candidate,),) = rated
    colleagues = [name for name, _ in ratings_of(raters, candidate)]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, TESS)

    page.goto(f"{base}/candidates/{candidate}/")
    team = page.locator("#team")
    expect(team.locator("[data-team-hidden]")).to_contain_text(
        f"{len(colleagues)} ratings so far"
    )
    expect(team.locator("[data-team-rating]")).to_have_count(0)
    for name in colleagues:
        expect(team).not_to_contain_text(name)
    shot(page, "team-3-before-my-vote")

    page.keyboard.press("f")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("s")  # save and stay
    expect(team.locator("[data-team-rating]")).to_have_count(len(colleagues))
    for name in colleagues:
        expect(team).to_contain_text(name)
    expect(team).to_contain_text("Consensus")

    page.fill("#id_comment_text", "<b>not bold</b>: sidelobe?")
    with page.expect_navigation(wait_until="load"):
        page.click("[data-comment-form] button[type=submit]")
    comment = page.locator("#history [data-history-comment]").first
    expect(comment).to_contain_text("<b>not bold</b>: sidelobe?")  # shown as text
    expect(comment.locator("b")).to_have_count(0)
    shot(page, "team-3-after-my-vote")

    assert ("tess", "false") in ratings_of(raters, candidate)


def test_4_a_candidate_reaching_retirement_leaves_the_queue(raters, chromium):
    base = raters["urls"]["dev"]
    rita = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(rita, base, RITA)
    rita.goto(f"{base}/catalogue/?{QUEUE}")
    queued = listed_ids(rita)
    assert queued, "the demo leaves candidates below the target of 3 ratings"
    first = queued[0]
    # Two agreeing ratings (by demo raters): one more vote makes 3 of 3 or 2 of 3.
    manage_shell(
        raters,
        "from django.contrib.auth.models import User\n"
        "from catalogue.survey.models import Candidate\n"
        "from rating.models import Rating, save_rating\n"
        f"c = Candidate.objects.get(pk={first})\n"
        "Rating.objects.filter(candidate=c).delete()\n"
        "for name in ('ada', 'ben'):\n"
        "    save_rating(c, User.objects.get(username=name), 'true')\n",
    )
    rita.reload()
    assert listed_ids(rita)[0] == first
    shot(rita, "team-4-queue-before")

    sam = chromium.new_page(viewport={"width": 1280, "height": 900})
    log_in(sam, base, SAM)
    sam.goto(f"{base}/candidates/next/?{QUEUE}")
    assert candidate_id(sam.url) == first, "the queue starts most significant first"
    sam.wait_for_selector("form [data-next-button]")
    sam.keyboard.press("t")
    with sam.expect_navigation(wait_until="load"):
        sam.keyboard.press("n")  # rate & next, in the queue
    assert candidate_id(sam.url) != first
    assert "rating_status=needs_ratings" in sam.url
    shot(sam, "team-4-sam-next-in-queue")

    rita.reload()
    assert first not in listed_ids(rita)
    shot(rita, "team-4-queue-after")
    rita.goto(f"{base}/candidates/next/?{QUEUE}")
    assert candidate_id(rita.url) != first
    rita.goto(f"{base}/candidates/{first}/")
    # Rita has not rated it: blind first, she sees only how many ratings it has.
    expect(rita.locator("#team [data-team-hidden]")).to_contain_text("3 ratings")
    sam.goto(f"{base}/candidates/{first}/")
    expect(sam.locator("#team [data-retired]")).to_be_visible()
    shot(sam, "team-4-retired")

    assert [label for _, label in ratings_of(raters, first)] == ["true"] * 3
