"""Upload API authentication: token only, stored hashed, JSON 401s."""

import pytest
from django.test import Client

from catalogue.api.tokens.models import UploadToken
from catalogue.api.tokens.service import create_token, hash_key, revoke_token
from catalogue.survey.models import Project
from tests.catalogue.api.support import api_key_fixture, auth_fixture  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CREATE = "/api/v1/observations/"
BODY = {"project": "demo", "sbid": "SB50230"}


def post_observation(client, **headers):
    return client.post(CREATE, BODY, content_type="application/json", **headers)


def test_valid_token_creates_observation_and_records_use(client, rater, api_key):
    response = post_observation(client, HTTP_AUTHORIZATION=f"Token {api_key}")

    assert response.status_code == 201
    assert response.json()["sbid"] == "SB50230"
    token = UploadToken.objects.get(user=rater)
    assert token.last_used_at is not None


def test_token_is_stored_as_hash_only(rater):
    token, key = create_token(rater)

    assert token.key_hash == hash_key(key) != key
    assert key.startswith(token.prefix)
    assert not UploadToken.objects.filter(key_hash=key).exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "authentication required: send the header 'Authorization: Token <key>'"),
        ("Token cpt_not-a-real-key", "invalid token"),
        ("Bearer something", "Authorization header must be 'Token <key>'"),
        ("Token two words", "Authorization header must be 'Token <key>' (one key"),
    ],
)
def test_missing_or_wrong_token_is_401_and_changes_nothing(client, header, message):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = post_observation(client, **headers)

    assert response.status_code == 401
    assert response.json()["error"].startswith(message)
    assert response["WWW-Authenticate"] == "Token"
    assert not Project.objects.exists()


def test_revoked_token_is_refused(client, rater):
    token, key = create_token(rater)
    revoke_token(token)

    response = post_observation(client, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401
    assert response.json() == {"error": "token has been revoked"}
    assert not Project.objects.exists()


def test_token_of_inactive_user_is_refused(client):
    user = UserFactory(username="gone", is_active=False)
    _, key = create_token(user)

    response = post_observation(client, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401
    assert "inactive" in response.json()["error"]


def test_browser_session_cannot_use_the_api(rater):
    """No cookie-authenticated endpoint exists: a logged-in browser
    without a token is refused, also with CSRF checks enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(rater)

    assert post_observation(client).status_code == 401
    assert client.get("/api/v1/projects/").status_code == 401
    assert not Project.objects.exists()


def test_unknown_api_path_is_json_404(client, auth):
    response = client.get("/api/v1/nothing/here/", **auth)

    assert response.status_code == 404
    assert response.json() == {"error": "no API endpoint at /api/v1/nothing/here/"}


def test_schema_needs_a_token_or_login(client, rater, auth):
    assert client.get("/api/v1/schema/").status_code == 401

    response = client.get("/api/v1/schema/?format=json", **auth)

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert (
        "/api/v1/projects/{project}/observations/{sbid}/beams/{index}/tables/" in paths
    )
    assert all(path.startswith("/api/v1/") for path in paths)
    client.force_login(rater)
    assert client.get("/api/v1/schema/").status_code == 200


def test_docs_page_lists_every_endpoint(client, rater):
    assert client.get("/api/v1/docs/").status_code == 302

    client.force_login(rater)
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    for path in (
        "/api/v1/observations/",
        "/api/v1/projects/{project}/observations/{sbid}/beams/{index}/",
        "/api/v1/projects/{project}/observations/{sbid}/files/",
    ):
        assert path in html
    assert "Upload one beam or candidate file (idempotent by sha256)" in html
    assert "<code>sha256</code>" in html
