"""Public pages render for everyone; candidate data needs a login."""

import pytest
from django.urls import reverse

from home.models import HomePage
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_fresh_install_has_a_live_home_page_at_the_site_root(client):
    home = HomePage.objects.get()
    assert home.live and home.get_site().is_default_site

    response = client.get("/")

    assert response.status_code == 200
    assert b"Candidate Portal" in response.content
    assert reverse("login").encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["catalogue:list"])
def test_candidate_data_redirects_anonymous_users_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_candidate_page_needs_login_and_renders_for_a_rater(client, ingested, rater):
    candidate = ingested.candidates.first()
    url = candidate.get_absolute_url()
    assert client.get(url).status_code == 302

    client.force_login(rater)
    response = client.get(url)

    assert response.status_code == 200
    assert candidate.name.encode() in response.content


@pytest.mark.django_db
def test_login_with_the_form_then_browse_the_catalogue(client, ingested, rater):
    response = client.post(
        reverse("login"),
        {"username": "rater", "password": PASSWORD, "next": reverse("catalogue:list")},
    )
    assert response.status_code == 302

    response = client.get(reverse("catalogue:list"))

    assert response.status_code == 200
    assert ingested.candidates.first().name.encode() in response.content


@pytest.mark.django_db
def test_media_files_need_login(client, ingested, rater):
    stored = ingested.beams.first().files.first()
    url = reverse("protected_media", args=[stored.file.name])
    assert client.get(url).status_code == 302

    client.force_login(rater)
    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()


@pytest.mark.django_db
def test_media_path_outside_media_root_is_not_served(client, rater):
    client.force_login(rater)
    assert client.get("/media/../manage.py").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
