"""Upload token pages: create (shown once), list, revoke; header link."""

import re

import pytest
from django.test import Client

from catalogue.api.tokens.models import UploadToken
from catalogue.api.tokens.service import create_token, hash_key
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def api_status(key):
    return (
        Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get("/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/tokens/")
    assert client.post("/tokens/1/revoke/").status_code == 302


def test_create_shows_the_key_once_and_stores_its_hash(client, rater):
    project = MembershipFactory(user=rater, role="uploader").project
    client.force_login(rater)

    response = client.post(
        "/tokens/", {"name": "pipeline on galaxy", "projects": project.pk}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = re.search(r'id="token-key">(cpt_[\w-]+)<', response.content.decode())[1]
    token = UploadToken.objects.get(user=rater)
    assert token.key_hash == hash_key(key)
    assert token.name == "pipeline on galaxy"
    assert api_status(key) == 200
    listing = client.get("/tokens/").content.decode()
    assert key not in listing
    assert f"{token.prefix}…" in listing
    assert "pipeline on galaxy" in listing


def test_list_shows_last_use(client, rater):
    _, key = create_token(rater)
    client.force_login(rater)
    assert "never" in client.get("/tokens/").content.decode()

    api_status(key)

    assert "never" not in client.get("/tokens/").content.decode()


def test_owner_revokes_own_token(client, rater):
    token, key = create_token(rater)
    client.force_login(rater)

    response = client.post(f"/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain == [("/tokens/", 302)]
    assert f"Token {token.prefix}… has been revoked." in response.content.decode()
    assert api_status(key) == 401


def test_others_cannot_see_or_revoke_a_token(client, rater):
    token, key = create_token(UserFactory(username="someone-else"))
    client.force_login(rater)

    assert token.prefix not in client.get("/tokens/").content.decode()
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert api_status(key) == 200


def test_staff_see_and_revoke_anyones_token(client, staff, rater):
    token, key = create_token(rater)
    client.force_login(staff)

    assert token.prefix in client.get("/tokens/").content.decode()
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    assert api_status(key) == 401


def test_revoke_needs_post_and_csrf(rater):
    token, key = create_token(rater)
    client = Client(enforce_csrf_checks=True)
    client.force_login(rater)

    assert client.get(f"/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 403
    assert client.post("/tokens/", {"name": "x"}).status_code == 403
    assert api_status(key) == 200
    assert UploadToken.objects.count() == 1


def test_header_user_menu_links_to_tokens(client, rater):
    assert "/tokens/" not in client.get("/accounts/login/").content.decode()

    client.force_login(rater)

    assert (
        'href="/tokens/">Upload tokens</a>' in client.get("/tokens/").content.decode()
    )
