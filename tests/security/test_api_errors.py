"""Every answer under /api/v1/ is JSON, whichever layer gives it.

API clients read `{"error": ...}`; Django's own HTML pages (CSRF 403, URL
404, 500 handler) and a lost database (500 from DRF) used to reach them.
"""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
from django.db import OperationalError, connection
from django.test import Client

from catalogue.api import docs
from catalogue.api.tokens.service import UploadTokenAuthentication, create_token
from tests.catalogue.api.support import api_key_fixture, auth_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    return response.json()["error"]


def test_post_to_an_unknown_path_is_json_404_not_a_csrf_page(rater):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rater)

    response = client.post("/api/v1/nothing/", {"a": "b"})

    assert assert_json_error(response, 404) == "no API endpoint at /api/v1/nothing/"


def test_csrf_failure_under_the_api_is_json_403(rater):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rater)

    response = client.post("/api/v1/docs/", {"a": "b"})

    assert "Authorization: Token <key>" in assert_json_error(response, 403)


@pytest.mark.parametrize(
    "path", ["/api/v1/a\nb/", "/api/v1/projects/x%0a/observations/", "/api/v1/%0a"]
)
def test_path_with_a_newline_is_json_404(client, auth, path):
    assert "no API endpoint" in assert_json_error(client.get(path, **auth), 404)


def test_path_with_a_nul_is_json_404(client, auth):
    """PostgreSQL refuses NUL in text: looking the SBID up was a 500 there."""
    response = client.get("/api/v1/projects/demo/observations/SB1%00/", **auth)

    assert "no API endpoint" in assert_json_error(response, 404)


def test_wrong_method_is_json_405_with_allow(client, auth):
    response = client.delete("/api/v1/projects/", **auth)

    assert "DELETE" in assert_json_error(response, 405)
    assert "GET" in response["Allow"]


def test_oversize_body_is_json_413(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": "SB1", "project_name": "x" * 200},
        content_type="application/json",
        **auth,
    )

    assert "exceeds the limit of 100 bytes" in assert_json_error(response, 413)


def test_bad_host_is_json_400(client, auth):
    response = client.get("/api/v1/projects/", HTTP_HOST="evil.example", **auth)

    assert assert_json_error(response, 400) == "bad request"


def test_unhandled_error_outside_drf_is_json_500(rater, monkeypatch):
    def broken(schema):
        raise RuntimeError("bug")

    monkeypatch.setattr(docs, "endpoints_from_schema", broken)
    client = Client(raise_request_exception=False)
    client.force_login(rater)

    response = client.get("/api/v1/docs/")

    assert assert_json_error(response, 500) == "internal server error"


def test_database_error_in_the_api_is_json_503_with_retry_after(
    client, auth, monkeypatch
):
    def database_gone(self, request):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(UploadTokenAuthentication, "authenticate", database_gone)

    response = client.get("/api/v1/projects/", **auth)

    assert "database is unavailable" in assert_json_error(response, 503)
    assert response["Retry-After"] == "5"


@pytest.mark.django_db(transaction=True)
def test_lost_database_gives_api_json_503_and_the_api_recovers(client, auth):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be disconnected")
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict["PORT"] = "1"  # nothing listens there: a real connection failure
    try:
        response = client.get("/api/v1/projects/", **auth)
        assert "database is unavailable" in assert_json_error(response, 503)
        assert response["Retry-After"] == "5"
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)

    assert client.get("/api/v1/projects/", **auth).status_code == 200


def post_chunked(url, path, key, body_chunks, content_type):
    """POST with `Transfer-Encoding: chunked` and no Content-Length.

    The whole request goes out in one write: the server may answer (and
    close) as soon as it has read the headers.
    """
    parts = urlsplit(url)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in body_chunks)
    request = (
        (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Token {key}\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + chunks
        + b"0\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.getheader("Content-Type"), response.read()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        (
            "/api/v1/observations/",
            "application/json",
            [b'{"project": "demo", ', b'"sbid": "SB50230"}'],
        ),
        (
            "/api/v1/projects/demo/observations/SB50230/files/",
            "multipart/form-data; boundary=XX",
            [
                b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n',
                b"SB50230_beam00_std.fits\r\n--XX--\r\n",
            ],
        ),
    ],
)
def test_chunked_body_is_refused_with_json_411(
    live_server, rater, path, content_type, body
):
    key = create_token(rater, "chunked")[1]

    status, kind, content = post_chunked(live_server.url, path, key, body, content_type)

    assert status == 411
    assert kind == "application/json"
    assert "Content-Length" in json.loads(content)["error"]
