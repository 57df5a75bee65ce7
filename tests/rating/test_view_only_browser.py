"""In Chromium, a viewer's keys on the candidate page and the grid post
nothing (no request to a rating URL), and the pages say why."""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership, Role
from catalogue.survey.models import Candidate
from tests.browser import launched_chromium, logged_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEW_ONLY = "You have view access to this project; ask a project admin to rate."


@pytest.fixture
def viewer_page(live_server, ingested, tmp_path):
    viewer = UserFactory(username="vera")
    Membership.objects.create(project=ingested.project, user=viewer, role=Role.VIEWER)
    with launched_chromium() as chromium:
        context = logged_in_context(chromium, live_server, viewer)
        page = context.new_page()
        posts = []
        page.on(
            "request",
            lambda request: (
                posts.append(request.url) if request.method == "POST" else None
            ),
        )
        yield page, posts
        context.close()


def test_viewer_keys_post_nothing_on_candidate_page_and_grid(
    viewer_page, live_server, tmp_path
):
    page, posts = viewer_page
    candidate = Candidate.objects.order_by("id").first()
    page.goto(live_server.url + reverse("rating:candidate", args=[candidate.pk]))
    assert page.get_by_text(VIEW_ONLY).is_visible()
    for key in ("t", "1", "s", "n"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "viewer-candidate.png"), full_page=True)
    assert posts == []
    assert page.url.endswith(reverse("rating:candidate", args=[candidate.pk]))

    page.goto(live_server.url + reverse("scan:grid"))
    assert page.get_by_text(VIEW_ONLY).is_visible()
    for key in ("t", "x", "T", "2"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "viewer-grid.png"))
    assert posts == []
    status = page.locator("[data-scan-status]").inner_text()
    assert "ask a project admin to rate" in status
