"""CSP, safe login redirects, login throttling, 503 while the database is away."""

import re

import pytest
from django.db import OperationalError, connection
from django.template.response import TemplateResponse
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_pages_carry_a_csp_that_forbids_inline_script_without_nonce(client, settings):
    settings.FIREFLY_URL = "https://viewer.example.org/firefly"
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    script_src = directives["script-src"].split()
    assert "'self'" in script_src and "https://viewer.example.org" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert any(re.fullmatch(r"'nonce-[\w-]{16,}'", source) for source in script_src)
    assert directives["object-src"] == "'none'"
    assert "wss://viewer.example.org" in directives["connect-src"]


@pytest.mark.django_db
def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["https://evil.example/steal", "//evil.example/steal", "https:evil.example"],
)
def test_login_never_redirects_off_site(client, rater, target):
    response = client.post(
        reverse("login"), {"username": "rater", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_login_follows_a_local_next(client, rater):
    response = client.post(
        reverse("login"),
        {"username": "rater", "password": PASSWORD, "next": "/catalogue/"},
    )
    assert response["Location"] == "/catalogue/"


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_per_account_and_address(
    client, rater, settings
):
    url = reverse("login")
    for _ in range(10):
        assert (
            client.post(url, {"username": "rater", "password": "wrong"}).status_code
            == 200
        )

    throttled = client.post(url, {"username": "rater", "password": PASSWORD})

    assert throttled.status_code == 429
    assert b"Too many login attempts" in throttled.content
    other = client.post(
        url, {"username": "rater", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 302


def login_status(client, username, **extra):
    """Status of a login with the right password (302 in, 429 throttled)."""
    return client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, **extra
    ).status_code


def fail_login(client, username, **extra):
    response = client.post(
        reverse("login"), {"username": username, "password": "wrong"}, **extra
    )
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_a_spoofed_x_real_ip_from_an_untrusted_address_is_ignored(client, rater):
    """TRUSTED_PROXIES is empty: every X-Real-IP header is the client's own."""
    for attempt in range(10):
        fail_login(client, "rater", HTTP_X_REAL_IP=f"203.0.113.{attempt}")
    assert login_status(client, "rater", HTTP_X_REAL_IP="198.51.100.77") == 429


@pytest.mark.django_db
def test_x_real_ip_names_the_client_only_behind_a_trusted_proxy(
    client, rater, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.5"]
    for _ in range(10):
        fail_login(client, "rater", REMOTE_ADDR="10.0.0.9", HTTP_X_REAL_IP="1.2.3.4")
    same_client = {"REMOTE_ADDR": "192.0.2.5", "HTTP_X_REAL_IP": "1.2.3.4"}
    assert login_status(client, "rater", **same_client) == 429
    other_client = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_REAL_IP": "1.2.3.5"}
    assert login_status(client, "rater", **other_client) == 302


def test_a_malformed_trusted_proxy_setting_is_reported(rf, settings):
    from django.core.exceptions import ImproperlyConfigured

    from portal.ratelimit import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1"))


@pytest.mark.django_db
def test_failures_on_one_account_do_not_lock_a_colleague_behind_the_same_nat(
    client, rater, settings
):
    from tests.factories import UserFactory

    UserFactory(username="colleague")
    office = {"REMOTE_ADDR": "192.0.2.40"}
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        fail_login(client, "rater", **office)
    assert login_status(client, "rater", **office) == 429
    assert login_status(client, "colleague", **office) == 302
    # Nor is the account locked for everyone: its owner elsewhere logs in.
    client.logout()
    assert login_status(client, "rater", REMOTE_ADDR="192.0.2.41") == 302


@pytest.mark.django_db
def test_many_accounts_from_one_address_reach_the_per_address_ceiling(
    client, rater, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for number in range(12):
        fail_login(client, f"guess{number}")
    assert login_status(client, "rater") == 429


@pytest.mark.django_db(transaction=True)
def test_lost_database_gives_503_and_the_portal_recovers(client, rater):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be disconnected")
    client.force_login(rater)
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict["PORT"] = "1"  # nothing listens there: a real connection failure
    try:
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        page = client.get(reverse("catalogue:list"))
        assert page.status_code == 503
        assert page["Retry-After"] == "5"
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("catalogue:list")).status_code == 200


@pytest.mark.django_db
def test_database_lost_while_a_page_renders_gives_503(client, rater, monkeypatch):
    """PostgreSQL can go away after the view ran, while its template renders
    (seen in the fault-injection load run). The failing render is a stand-in
    for that moment, which a real restart hits only by chance."""
    client.force_login(rater)

    def database_gone(response):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(TemplateResponse, "rendered_content", property(database_gone))
    page = client.get(reverse("catalogue:list"))
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert b"Temporarily unavailable" in page.content


@pytest.mark.django_db
def test_token_creation_is_rate_limited_per_user(client, rater):
    from catalogue.api.tokens.models import UploadToken
    from tests.factories import MembershipFactory

    project = MembershipFactory(user=rater, role="uploader").project
    client.force_login(rater)
    for _ in range(10):
        created = client.post(
            reverse("tokens:list"), {"name": "x", "projects": project.pk}
        )
        assert created.status_code == 200
    refused = client.post(
        reverse("tokens:list"), {"name": "one too many", "projects": project.pk}
    )
    assert refused.status_code == 429
    assert UploadToken.objects.filter(user=rater).count() == 10


@pytest.mark.django_db
def test_repeated_bad_api_tokens_are_throttled(client):
    url = reverse("api:projects")
    for _ in range(20):
        response = client.get(url, HTTP_AUTHORIZATION="Token cpt_wrong")
        assert response.status_code == 401
    throttled = client.get(url, HTTP_AUTHORIZATION="Token cpt_wrong")
    assert throttled.status_code == 429
    assert "error" in throttled.json()


@pytest.mark.django_db
def test_a_valid_token_works_while_bad_tokens_are_throttled(client, rater):
    from catalogue.api.tokens.service import create_token

    _, key = create_token(rater)
    url = reverse("api:projects")
    for _ in range(25):
        client.get(url, HTTP_AUTHORIZATION="Token cpt_wrong")
    assert client.get(url, HTTP_AUTHORIZATION="Token cpt_wrong").status_code == 429
    valid = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
    assert valid.status_code == 200


def test_a_rate_limit_window_opens_at_the_first_hit():
    """Counting from the first hit, not from clock-aligned windows, so a run
    of failures is never split in two at a window boundary."""
    import time

    from portal.ratelimit import RateLimit

    limit = RateLimit("window-test", limit=2, window_s=1)
    while time.time() % 1 < 0.85:  # just before a whole second...
        time.sleep(0.01)
    first = limit.hit("k")
    time.sleep(0.2)  # ...and just after it
    assert [first, limit.hit("k")] == [1, 2]
    assert limit.exceeded("k")
    time.sleep(1.1)
    assert not limit.exceeded("k")
    assert limit.hit("k") == 1
