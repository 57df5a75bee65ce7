"""A member of project A probes restricted project B and sees nothing of it.

B is the demo observation (real files), restricted; the prober is an
uploader of A, whose candidate sits right next to one of B's (so cone
searches and nearby objects would find B if anything leaked). Every URL and
API route gets B's ids and names; no answer names any of B's candidates,
its SBID or its rater, and nothing of B changes.
"""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership
from catalogue.api.tokens.service import create_token
from catalogue.survey.models import Candidate, CandidateFile, Observation
from rating.models import Label, Rating, save_rating
from tests.factories import CandidateFactory, ProjectFactory, UserFactory

B_SBID = "SB50230"


@pytest.fixture
def siege(ingested, client):
    """(client logged in as the prober, its token key, facts about B)."""
    b = ingested.project
    b.is_restricted = True
    b.save(update_fields=["is_restricted"])
    insider = UserFactory(username="b-insider")
    Membership.objects.create(project=b, user=insider, role="rater")
    target = (
        CandidateFile.objects.filter(
            candidate__observation=ingested, kind="deepcutout_fits"
        )
        .select_related("candidate")
        .first()
    )
    save_rating(target.candidate, insider, Label.TRUE, notes="b-secret-note")
    a = ProjectFactory(slug="alpha")
    prober = UserFactory(username="prober")
    Membership.objects.create(project=a, user=prober, role="uploader")
    neighbour = CandidateFactory(
        beam__observation__project=a,
        name="J-alpha-neighbour",
        ra=target.candidate.ra,
        dec=target.candidate.dec + 1 / 3600,
    )
    save_rating(neighbour, prober, Label.FALSE)
    key = create_token(prober, "probe", projects=[a])[1]
    client.force_login(prober)
    b_names = set(
        Candidate.objects.filter(observation=ingested).values_list("name", flat=True)
    )
    return (
        client,
        key,
        {
            "project": b,
            "observation": ingested,
            "candidate": target.candidate,
            "media_path": target.file.name,
            "names": b_names,
            "neighbour": neighbour,
        },
    )


def assert_nothing_of_b(response, b, echoes=()):
    """No B name, SBID or rater in the answer, except where the answer only
    repeats what the prober sent (`echoes`: a filter's own input, a link
    carrying the query, the path in a 404 message)."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = body.decode(errors="replace")
    query = response.request.get("QUERY_STRING", "")
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        text = text.replace(f'value="{value}"', "").replace(pair, "")
        text = text.replace(pair.replace("&", "&amp;"), "")
    # The observation filter's help text happens to use the demo SBID.
    for echo in (*echoes, "e.g. SB50230"):
        text = text.replace(echo, "")
    leaked = [name for name in b["names"] if name in text]
    assert not leaked, (response.request["PATH_INFO"], leaked[:3])
    at = text.find(B_SBID)
    assert at < 0, (response.request["PATH_INFO"], text[max(at - 80, 0) : at + 40])
    assert "b-insider" not in text and "b-secret-note" not in text


def b_state():
    return (
        Candidate.objects.filter(observation__sbid=B_SBID).count(),
        Rating.objects.count(),
        list(
            Observation.objects.filter(sbid=B_SBID).values_list("start_time", flat=True)
        ),
    )


@pytest.mark.django_db
def test_candidate_urls_with_b_ids_are_404(siege):
    client, _, b = siege
    pk = b["candidate"].pk
    for url in [
        reverse("rating:candidate", args=[pk]),
        reverse("rating:file", args=[pk, "deepcutout_fits"]),
        reverse("rating:preview", args=[pk, "deepcutout_fits"]),
        reverse("rating:gif_frame", args=[pk, 0]),
        reverse("rating:lightcurve_csv", args=[pk]),
        reverse("rating:lightcurve_svg", args=[pk]),
        reverse("rating:nearby", args=[pk]),
        reverse("rating:list_position", args=[pk]),
        reverse("rating:simbad", args=[pk]),
        reverse("protected_media", args=[b["media_path"]]),
        reverse("projects:manage", args=[b["project"].slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_nothing_of_b(response, b)
    before = b_state()
    rate = client.post(reverse("rating:rate", args=[pk]), {"label": "false"})
    assert rate.status_code == 404
    assert b_state() == before


@pytest.mark.django_db
def test_neighbour_and_next_never_lead_into_b(siege):
    client, _, b = siege
    pk = b["candidate"].pk
    for direction in ("next", "previous"):
        response = client.get(reverse("rating:neighbour", args=[pk, direction]))
        location = response["Location"]
        assert all(
            f"/candidates/{other}/" not in location
            for other in Candidate.objects.filter(observation=b["observation"])
            .exclude(pk=pk)
            .values_list("pk", flat=True)
        )
    response = client.get(reverse("rating:rate_next"), follow=True)
    assert_nothing_of_b(response, b)


@pytest.mark.django_db
def test_catalogue_filters_search_and_cone_show_nothing_of_b(siege):
    client, _, b = siege
    target = b["candidate"]
    cone = f"cone_ra={target.ra}&cone_dec={target.dec}&cone_radius=60&cone_unit=arcsec"
    queries = [
        "",
        "best_beam=off",
        f"project={b['project'].slug}",
        f"observation={B_SBID}",
        f"observation={b['observation'].pk}",
        f"name={target.name}",
        cone,
        cone + "&best_beam=off&sort=separation_arcsec",
        f"sort=-ra&name={target.name[:4]}",
    ]
    for query in queries:
        for url in (
            reverse("catalogue:list"),
            reverse("catalogue:export", args=["csv"]),
            reverse("catalogue:export", args=["vot"]),
        ):
            response = client.get(f"{url}?{query}")
            assert response.status_code in (200, 400), (url, query)
            assert_nothing_of_b(response, b)
    listed = client.get(reverse("catalogue:list") + "?" + cone).content.decode()
    assert "J-alpha-neighbour" in listed  # the cone works; B is just not there
    lookup = client.get(reverse("lookup") + f"?q={target.name}")
    assert lookup["Location"].startswith(reverse("catalogue:list"))


@pytest.mark.django_db
def test_nearby_objects_of_a_candidate_next_to_b_show_only_a(siege):
    client, _, b = siege
    response = client.get(
        reverse("rating:nearby", args=[b["neighbour"].pk]) + "?radius=600"
    )
    assert response.status_code == 200
    assert_nothing_of_b(response, b)
    page = client.get(reverse("rating:candidate", args=[b["neighbour"].pk]))
    assert_nothing_of_b(page, b)


@pytest.mark.django_db
def test_summaries_and_exports_leave_b_out(siege):
    client, _, b = siege
    for url in [
        reverse("ratings:summary"),
        reverse("ratings:summary") + f"?project={b['project'].slug}",
        reverse("ratings:summary") + f"?observation={b['observation'].pk}",
        reverse("ratings:summary") + "?user=b-insider",
        reverse("ratings:consensus"),
        reverse("ratings:consensus") + "?disputed=1",
        reverse("ratings:training_set", args=["csv"]),
        reverse("ratings:training_set", args=["votable"]),
        reverse("projects:list"),
        "/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert_nothing_of_b(response, b)


@pytest.mark.django_db
def test_api_with_a_token_of_a_shows_and_changes_nothing_of_b(siege):
    client, key, b = siege
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.logout()
    slug = b["project"].slug
    projects = client.get("/api/v1/projects/", **auth).json()
    assert [p["slug"] for p in projects] == ["alpha"]
    for url in [
        f"/api/v1/projects/{slug}/observations/",
        f"/api/v1/projects/{slug}/observations/{B_SBID}/",
        f"/api/v1/projects/{slug}/observations/{B_SBID}/beams/0/",
    ]:
        response = client.get(url, **auth)
        assert response.status_code == 404, url
        assert_nothing_of_b(response, b, echoes=[f"{slug}/{B_SBID}"])
    before = b_state()
    writes = [
        client.post(
            "/api/v1/observations/",
            {"project": slug, "sbid": B_SBID, "start_time": "2020-01-01T00:00:00Z"},
            content_type="application/json",
            **auth,
        ),
        client.post(
            f"/api/v1/projects/{slug}/observations/{B_SBID}/beams/0/tables/", {}, **auth
        ),
        client.post(
            f"/api/v1/projects/{slug}/observations/{B_SBID}/files/", {}, **auth
        ),
    ]
    assert [w.status_code for w in writes] == [404, 404, 404]
    assert b_state() == before


@pytest.mark.django_db
def test_an_uploader_token_for_a_gets_403_writing_an_open_b(siege):
    """Where B is open the prober sees it, but its token names A only."""
    client, key, b = siege
    b["project"].is_restricted = False
    b["project"].save(update_fields=["is_restricted"])
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    before = b_state()
    slug = b["project"].slug
    created = client.post(
        "/api/v1/observations/",
        {"project": slug, "sbid": B_SBID, "start_time": "2020-01-01T00:00:00Z"},
        content_type="application/json",
        **auth,
    )
    files = client.post(
        f"/api/v1/projects/{slug}/observations/{B_SBID}/files/", {}, **auth
    )
    assert (created.status_code, files.status_code) == (403, 403)
    assert "may not write project" in created.json()["error"]
    assert b_state() == before
