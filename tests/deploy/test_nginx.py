"""The production nginx config, run for real in front of the real portal.

A Debian nginx runs the rendered `docker/nginx/templates/portal.conf.template`
(rendered by envsubst the way the official image does it) on free loopback
ports, with the self-signed certificate made by the image's own start-up
script, in front of gunicorn serving the portal with production settings
(SQLite, MEDIA_ACCEL_REDIRECT=true, static files from collectstatic) and a
stand-in for Firefly (tests/deploy/standin_firefly.py: not Firefly, see
there). Every check is an HTTP request a browser or operator would make.
"""

import os
import re
import socket
import ssl
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from requests import Session

from tests.deploy.conftest import REPO, free_port
from tests.deploy.nginx_runner import (
    SELF_SIGNED,
    configure,
    nginx_command,
    worker_pids,
)
from tests.deploy.nginx_runner import (
    https_session as nginx_session,
)
from tests.deploy.servers import (
    prepare_portal,
    production_env,
    redis_url,
    start_gunicorn,
    stop,
    wait_for_port,
)
from tests.deploy.standin_firefly import FRAME_TEXT, StandInFirefly
from tests.system_tools import needs_package

pytestmark = [
    pytest.mark.slow,
    needs_package("nginx", "/usr/sbin/nginx"),
    needs_package("gettext-base", "envsubst"),
    needs_package("openssl", "openssl"),
    needs_package("curl", "curl"),
]

DOMAIN = "portal.test"
USERNAME = "observer"
PASSWORD = "a-long-test-password-9341"
MEDIA_PATH = "SB50230/beam00/cand_0001_deep.fits"
HEALTHCHECK = REPO / "docker/healthcheck.py"
HSTS = "max-age=31536000; includeSubDomains; preload"
REDIS_DB = 14  # this module's own Redis database


def django_env(root, web_port, redis):
    """Production settings as compose.prod.yml gives them to the web container:
    nginx (here on loopback) is the trusted proxy, Redis the shared cache."""
    return production_env(
        root,
        ALLOWED_HOSTS=DOMAIN,
        MEDIA_ACCEL_REDIRECT="true",
        WEB_PORT=str(web_port),
        TRUSTED_PROXIES="127.0.0.1",
        **({"REDIS_URL": redis} if redis else {}),
    )


def web_healthcheck(env):
    """Run the web container's HEALTHCHECK command; return its exit status."""
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)], env=env, capture_output=True
    ).returncode


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("nginx-stack")
    ports = SimpleNamespace(
        http=free_port(), https=free_port(), web=free_port(), firefly=free_port()
    )
    redis = redis_url(REDIS_DB)
    env = django_env(root, ports.web, redis)

    import numpy as np
    from astropy.io import fits

    media_file = root / "media" / MEDIA_PATH
    media_file.parent.mkdir(parents=True)
    fits.PrimaryHDU(np.arange(64, dtype="float32").reshape(8, 8)).writeto(media_file)
    acme = root / "acme/.well-known/acme-challenge"
    acme.mkdir(parents=True)
    (acme / "token-abc123").write_text("token-abc123.account-thumbprint")

    cert_dir = configure(
        root, DOMAIN, ports, web_upstream=f"127.0.0.1:{ports.web}", resolver="127.0.0.1"
    )
    nginx_args = nginx_command(root)

    # The Dockerfile's build step and the web container's first start.
    prepare_portal(env, USERNAME, PASSWORD)
    gunicorn = start_gunicorn(env, ports.web, root)
    nginx = subprocess.Popen(nginx_args)
    try:
        with StandInFirefly(ports.firefly) as firefly:
            wait_for_port(ports.web, gunicorn)
            wait_for_port(ports.https, nginx)
            yield SimpleNamespace(
                root=root,
                ports=ports,
                env=env,
                firefly=firefly,
                cert_dir=cert_dir,
                nginx_args=nginx_args,
                gunicorn_log=root / f"gunicorn-{ports.web}-access.log",
                redis=redis,
            )
    finally:
        stop(nginx)
        stop(gunicorn)


@pytest.fixture
def https_session(stack):
    """A requests session speaking to nginx's https port as `portal.test`."""
    with nginx_session(stack.ports.https, DOMAIN) as session:
        yield session


def get(session, path, **kwargs):
    kwargs.setdefault("allow_redirects", False)
    return session.get(session.base + path, timeout=30, **kwargs)


def post_login(session, username, password, headers=()):
    """Submit the real login form (CSRF token and cookie); return the answer."""
    form = get(session, "/accounts/login/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return session.post(
        session.base + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"https://{DOMAIN}/accounts/login/", **dict(headers)},
        allow_redirects=False,
        timeout=30,
    )


def log_in(session):
    """Log in as USERNAME through the real login form."""
    response = post_login(session, USERNAME, PASSWORD)
    assert response.status_code == 302, response.text[:500]
    assert "sessionid" in session.cookies


def websocket_handshake(stack, cookie=""):
    """Open /firefly/sticky/firefly/events over TLS; return (head, rest)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", stack.ports.https), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(
                (
                    "GET /firefly/sticky/firefly/events HTTP/1.1\r\n"
                    f"Host: {DOMAIN}\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n"
                    + (f"Cookie: {cookie}\r\n" if cookie else "")
                    + "\r\n"
                ).encode()
            )
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.1 101"):
                while len(rest) < 2 + len(FRAME_TEXT):
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    rest += chunk
            return head.decode("latin-1"), rest


def test_port_80_redirects_to_https_but_serves_the_acme_challenge(stack):
    plain = f"http://127.0.0.1:{stack.ports.http}"
    headers = {"Host": DOMAIN}
    requests = Session()
    requests.trust_env = False  # no proxy from the environment
    response = requests.get(
        plain + "/catalogue/?page=2", headers=headers, allow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{DOMAIN}/catalogue/?page=2"
    challenge = requests.get(
        plain + "/.well-known/acme-challenge/token-abc123", headers=headers
    )
    assert challenge.status_code == 200
    assert challenge.text == "token-abc123.account-thumbprint"
    missing = requests.get(
        plain + "/.well-known/acme-challenge/unknown", headers=headers
    )
    assert missing.status_code == 404


def test_nginx_container_healthcheck_answers_from_loopback(stack):
    result = subprocess.run(
        [
            "curl",
            "-fsS",
            "-o",
            "/dev/null",
            f"http://127.0.0.1:{stack.ports.http}/nginx-health",
        ],
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr


def test_tls_is_modern_and_uses_the_temporary_certificate(stack):
    assert (stack.cert_dir / ".self-signed").exists()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.load_verify_locations(stack.cert_dir / "fullchain.pem")
    with socket.create_connection(("127.0.0.1", stack.ports.https)) as raw:
        with context.wrap_socket(raw, server_hostname=DOMAIN) as tls:
            assert tls.version() in {"TLSv1.2", "TLSv1.3"}
            assert dict(x[0] for x in tls.getpeercert()["subject"]) == {
                "commonName": DOMAIN
            }
    # The start-up script keeps an existing certificate.
    before = (stack.cert_dir / "fullchain.pem").read_bytes()
    subprocess.run(
        ["sh", str(SELF_SIGNED)],
        env={"PATH": os.environ["PATH"], "NGINX_CERT_DIR": str(stack.cert_dir)},
        check=True,
    )
    assert (stack.cert_dir / "fullchain.pem").read_bytes() == before


def served_certificate(stack):
    """The certificate nginx presents right now (DER bytes)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", stack.ports.https)) as raw:
        with context.wrap_socket(raw) as tls:
            return tls.getpeercert(binary_form=True)


def test_a_reload_serves_a_renewed_certificate(stack):
    """What the 6-hourly reload is for: renewed files on disk go live."""
    before = served_certificate(stack)
    for name in ("fullchain.pem", "privkey.pem"):
        (stack.cert_dir / name).unlink()
    subprocess.run(
        ["sh", str(SELF_SIGNED)],
        env={"PATH": os.environ["PATH"], "NGINX_CERT_DIR": str(stack.cert_dir)},
        check=True,
        capture_output=True,
    )
    renewed = ssl.PEM_cert_to_DER_cert((stack.cert_dir / "fullchain.pem").read_text())
    assert renewed != before
    assert served_certificate(stack) == before  # not before the reload
    old_workers = worker_pids(stack.root)
    subprocess.run([*stack.nginx_args, "-s", "reload"], check=True)
    # Old and new workers both accept for a moment after a reload, so one
    # new certificate seen proves nothing yet: wait for the old ones to go.
    deadline = time.monotonic() + 30
    while old_workers & worker_pids(stack.root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not old_workers & worker_pids(stack.root), "old workers never stopped"
    for _ in range(20):
        assert served_certificate(stack) == renewed


def test_home_page_over_https_with_one_hsts_header(https_session):
    response = get(https_session, "/")
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]
    assert response.raw.headers.getlist("Strict-Transport-Security") == [HSTS]
    assert response.headers["X-Frame-Options"] == "DENY"  # Django's, passed on


def test_static_files_come_from_nginx_with_caching_headers(stack, https_session):
    import json

    manifest = json.loads((stack.root / "static/staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    response = get(https_session, f"/static/{hashed}")
    assert response.status_code == 200
    assert response.content == (stack.root / "static" / hashed).read_bytes()
    assert response.headers["Content-Type"] == "text/css"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Strict-Transport-Security"] == HSTS
    plain = get(https_session, "/static/css/portal.css")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    gzipped = get(
        https_session, f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert gzipped.headers["Content-Encoding"] == "gzip"
    # gunicorn never saw a /static/ request: nginx answered on its own.
    assert "/static/" not in stack.gunicorn_log.read_text()


def test_media_needs_a_login_and_is_never_served_directly(https_session):
    response = get(https_session, f"/media/{MEDIA_PATH}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=/media/")
    internal = get(https_session, f"/protected-media/{MEDIA_PATH}")
    assert internal.status_code == 404


def test_media_is_sent_by_nginx_to_a_logged_in_user(stack, https_session):
    log_in(https_session)
    response = get(https_session, f"/media/{MEDIA_PATH}")
    assert response.status_code == 200
    assert response.content == (stack.root / "media" / MEDIA_PATH).read_bytes()
    assert response.content.startswith(b"SIMPLE  =")
    assert response.headers["Content-Type"] == "image/fits"
    assert "X-Accel-Redirect" not in response.headers
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert get(https_session, "/media/SB50230/missing.fits").status_code == 404
    assert get(https_session, "/media/../portal.sqlite3").status_code in {400, 404}


def test_firefly_is_refused_without_a_login(stack, https_session):
    seen = len(stack.firefly.requests)
    assert get(https_session, "/firefly/firefly_loader.js").status_code == 401
    head, _ = websocket_handshake(stack)
    assert head.startswith("HTTP/1.1 401")
    assert get(https_session, "/auth/check").status_code == 401
    assert len(stack.firefly.requests) == seen, "nginx let a request through"


def test_firefly_is_proxied_with_websocket_upgrade_for_a_logged_in_user(
    stack, https_session
):
    log_in(https_session)
    https_session.cookies.set("usrkey", "firefly-own-cookie")
    response = get(https_session, "/firefly/firefly_loader.js?v=1")
    assert response.status_code == 200
    seen = response.json()
    assert seen["path"] == "/firefly/firefly_loader.js?v=1"
    assert seen["headers"]["host"] == DOMAIN
    assert seen["headers"]["x-forwarded-proto"] == "https"
    assert seen["headers"]["x-forwarded-host"] == DOMAIN
    # Firefly keeps its own cookie but never sees the portal's session/CSRF.
    assert "usrkey=firefly-own-cookie" in seen["headers"]["cookie"]
    assert "sessionid" not in seen["headers"]["cookie"]
    assert "csrftoken" not in seen["headers"]["cookie"]

    cookie = f"sessionid={https_session.cookies['sessionid']}"
    head, frame = websocket_handshake(stack, cookie)
    assert head.startswith("HTTP/1.1 101"), head
    assert re.search(r"(?im)^upgrade: websocket\r?$", head)
    assert "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head
    assert frame == bytes([0x81, len(FRAME_TEXT)]) + FRAME_TEXT
    upgrade = stack.firefly.requests[-1]
    assert upgrade["path"] == "/firefly/sticky/firefly/events"
    assert upgrade["headers"]["upgrade"] == "websocket"
    assert upgrade["headers"]["connection"].lower() == "upgrade"


def status_for_declared_body(stack, path, length):
    """Status nginx answers to a POST that only *declares* `length` body bytes.

    nginx judges `client_max_body_size` on Content-Length before reading the
    body, so sending headers alone gives a deterministic answer; sending the
    whole body would race the 413 against the upload on a loaded machine.
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", stack.ports.https), timeout=30) as raw:
        with context.wrap_socket(raw, server_hostname=DOMAIN) as tls:
            tls.sendall(
                f"POST {path} HTTP/1.1\r\nHost: {DOMAIN}\r\n"
                f"Content-Type: application/octet-stream\r\n"
                f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode()
            )
            status_line = tls.recv(64).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_upload_api_accepts_bodies_the_pages_refuse(stack, https_session):
    size = 2 * 1024 * 1024  # NGINX_MAX_BODY=1m, NGINX_API_MAX_BODY=4m here
    assert status_for_declared_body(stack, "/accounts/login/", size) == 413
    assert status_for_declared_body(stack, "/api/ingest/", 3 * size) == 413
    # Only the status line matters: Django may answer (403) without reading
    # the body and close, which can cut the answer's body short in transit.
    api = https_session.post(
        https_session.base + "/api/ingest/", data=b"x" * size, timeout=30, stream=True
    )
    api.close()
    assert api.status_code != 413  # reached Django (which answers for itself)


def test_web_container_healthcheck_against_gunicorn(stack):
    assert web_healthcheck(stack.env) == 0
    assert web_healthcheck(stack.env | {"ALLOWED_HOSTS": "other.example"}) == 1
    assert web_healthcheck(stack.env | {"WEB_PORT": str(free_port())}) == 1


def test_a_client_cannot_dodge_the_login_throttle_with_its_own_x_real_ip(
    stack, https_session
):
    """nginx overwrites X-Real-IP with the address it saw, so 10 wrong
    passwords sent with 10 made-up addresses count as one client's."""
    if stack.redis is None:
        pytest.skip("needs Redis at 127.0.0.1:6379 (two gunicorn workers share it)")
    for attempt in range(10):
        wrong = post_login(
            https_session,
            "intruder-target",
            "wrong",
            {"X-Real-IP": f"203.0.113.{attempt}", "X-Forwarded-For": "203.0.113.99"},
        )
        assert wrong.status_code == 200
    refused = post_login(
        https_session, "intruder-target", "wrong", {"X-Real-IP": "198.51.100.7"}
    )
    assert refused.status_code == 429
    # The same client's other account is below both ceilings.
    log_in(https_session)


def test_firefly_gets_the_address_nginx_saw_not_the_clients_claim(stack, https_session):
    log_in(https_session)
    response = get(https_session, "/firefly/x", headers={"X-Real-IP": "203.0.113.5"})
    assert response.status_code == 200
    assert response.json()["headers"]["x-real-ip"] == "127.0.0.1"
