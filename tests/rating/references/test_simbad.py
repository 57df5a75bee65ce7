"""SIMBAD is optional: answers are shown, failures become a notice, never an error.

SIMBAD itself cannot be reached from the test machines, so a local stand-in
HTTP server plays the TAP sync endpoint: it answers in SIMBAD's JSON format,
answers too slowly, or fails, as each test needs.
"""

import json
import time
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CandidateFactory
from tests.standins import StandInHandler, serve_in_thread

TAP_ANSWER = {
    "metadata": [
        {"name": "main_id"},
        {"name": "ra"},
        {"name": "dec"},
        {"name": "otype"},
    ],
    "data": [
        ["PSR J0835-4510", 128.83588, -45.17636, "Psr"],
        ["2MASS J08352064-4510300", 128.83600, -45.17500, "*"],
    ],
}


class StandIn(StandInHandler):
    mode = "answer"
    requests = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        StandIn.requests.append(parse_qs(self.rfile.read(length).decode()))
        if StandIn.mode == "slow":
            time.sleep(1.5)
        if StandIn.mode == "fail":
            self.send_response(500)
            self.end_headers()
            return
        body = (
            b"<html>not json</html>"
            if StandIn.mode == "garbage"
            else (json.dumps(TAP_ANSWER).encode())
        )
        self.reply(200, body, "application/json")


@pytest.fixture(scope="module")
def stand_in_url():
    with serve_in_thread(StandIn) as url:
        yield f"{url}/simbad/sim-tap/sync"


@pytest.fixture
def simbad(settings, stand_in_url):
    cache.clear()
    StandIn.requests = []
    settings.SIMBAD_URL = stand_in_url
    settings.SIMBAD_TIMEOUT_S = 0.5
    yield StandIn
    cache.clear()


@pytest.fixture
def vela_candidate(db):
    return CandidateFactory(ra=128.83588 + 2 / 3600, dec=-45.17636)


def ask(client, candidate, radius=30):
    return client.get(
        reverse("rating:simbad", args=[candidate.pk]) + f"?radius={radius}"
    )


def test_answer_is_listed_nearest_first_in_arcsec_and_cached(
    rater_client, simbad, vela_candidate
):
    first = ask(rater_client, vela_candidate).json()
    second = ask(rater_client, vela_candidate).json()

    assert first == second
    assert first["notice"] == ""
    assert [o["name"] for o in first["objects"]] == [
        "PSR J0835-4510",
        "2MASS J08352064-4510300",
    ]
    assert first["objects"][0]["separation_arcsec"] == pytest.approx(
        2 * 0.70521,
        abs=0.01,  # 2 arcsec of RA at dec -45.18°
    )
    assert len(simbad.requests) == 1  # the second answer came from the cache
    query = simbad.requests[0]["QUERY"][0]
    assert "CIRCLE('ICRS', 128.8364356, -45.1763600, 0.0083333)" in query


@pytest.mark.parametrize(
    "mode, notice",
    [
        ("slow", "did not answer within 0.5 s"),
        ("fail", "could not be queried (HTTPError)"),
        ("garbage", "could not be queried"),
    ],
)
def test_failing_simbad_gives_a_notice_and_the_page_still_works(
    rater_client, simbad, vela_candidate, mode, notice
):
    simbad.mode = mode
    try:
        started = time.perf_counter()
        response = ask(rater_client, vela_candidate)
        elapsed = time.perf_counter() - started
        page = rater_client.get(reverse("rating:candidate", args=[vela_candidate.pk]))
    finally:
        simbad.mode = "answer"

    assert response.status_code == 200
    assert notice in response.json()["notice"]
    assert response.json()["objects"] == []
    assert elapsed < 1.4
    assert page.status_code == 200


def test_disabled_simbad_says_so(rater_client, settings, vela_candidate):
    settings.SIMBAD_URL = ""
    body = ask(rater_client, vela_candidate).json()
    assert body == {
        "objects": [],
        "notice": "SIMBAD is not configured on this portal (SIMBAD_URL is empty).",
    }


def test_bad_radius_is_a_400(rater_client, simbad, vela_candidate):
    response = ask(rater_client, vela_candidate, radius="lots")
    assert response.status_code == 400
    assert "error" in response.json()
    assert simbad.requests == []
