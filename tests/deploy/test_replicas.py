"""Several web replicas behind the real nginx config, on loopback.

Two gunicorns serve the portal with production settings on one database and
one Redis, as two scaled `web` containers would, on the same port of two
loopback addresses (127.0.0.2 and 127.0.0.3). nginx runs the rendered
production template with WEB_UPSTREAM=web.portal.test:<port>; that name is
answered by a stand-in for the container engine's DNS
(tests/deploy/standin_dns.py, not Docker's server) with every replica's
address, plus a third address, 127.0.0.4, where a replica has died: at
first nothing listens there, later a stand-in replica that reads a request
and drops the connection without answering, as a process killed mid-request
does.
"""

import re
import socket
import subprocess
import threading
from types import SimpleNamespace

import pytest

from tests.deploy.conftest import free_port
from tests.deploy.nginx_runner import configure, https_session, nginx_command
from tests.deploy.servers import (
    prepare_portal,
    production_env,
    redis_url,
    start_gunicorn,
    stop,
    wait_for_port,
)
from tests.deploy.standin_dns import StandInDNS
from tests.system_tools import needs_package

pytestmark = [
    pytest.mark.slow,
    needs_package("nginx", "/usr/sbin/nginx"),
    needs_package("gettext-base", "envsubst"),
    needs_package("openssl", "openssl"),
]

DOMAIN = "portal.test"
SERVICE = "web.portal.test"
REPLICAS = ("127.0.0.2", "127.0.0.3")
DEAD_REPLICA = "127.0.0.4"
USERNAME = "replica-user"
PASSWORD = "a-long-test-password-5512"
REDIS_DB = 12  # this module's own Redis database
LOGIN_REQUIRED_PAGE = "/catalogue/"


def port_free_on_every_address():
    """One TCP port nobody uses on any of the replica addresses."""
    for _ in range(50):
        port = free_port()
        try:
            for address in (*REPLICAS, DEAD_REPLICA):
                with socket.socket() as sock:
                    sock.bind((address, port))
            return port
        except OSError:
            continue
    raise AssertionError("no port free on every replica address")


class DroppingReplica:
    """Reads each request and closes the connection without an answer:
    what nginx sees from a replica killed while it handles the request."""

    def __init__(self, address, port):
        self.server = socket.create_server((address, port))
        self.server.settimeout(0.2)
        self.methods = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    head = conn.recv(65536)
                except OSError:
                    continue
                self.methods.append(head.split(b" ", 1)[0].decode("latin-1"))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    root = tmp_path_factory.mktemp("replicas")
    web_port = port_free_on_every_address()
    ports = SimpleNamespace(https=free_port(), http=free_port(), firefly=free_port())
    redis = redis_url(REDIS_DB)
    env = production_env(
        root,
        ALLOWED_HOSTS=DOMAIN,
        TRUSTED_PROXIES="127.0.0.0/8",
        **({"REDIS_URL": redis} if redis else {}),
    )
    with StandInDNS(SERVICE, [*REPLICAS, DEAD_REPLICA]) as dns:
        configure(
            root,
            DOMAIN,
            ports,
            web_upstream=f"{SERVICE}:{web_port}",
            resolver=f"127.0.0.1:{dns.port}",
        )
        prepare_portal(env, USERNAME, PASSWORD)
        gunicorns = {}
        for address in REPLICAS:
            logs = root / address
            logs.mkdir()
            gunicorns[address] = start_gunicorn(
                env, web_port, logs, workers=1, address=address
            )
        nginx = subprocess.Popen(nginx_command(root))
        try:
            for address, process in gunicorns.items():
                wait_for_port(web_port, process, address=address)
            wait_for_port(ports.https, nginx)
            yield SimpleNamespace(
                root=root,
                ports=ports,
                web_port=web_port,
                dns=dns,
                access_logs={
                    address: root / address / f"gunicorn-{web_port}-access.log"
                    for address in REPLICAS
                },
            )
        finally:
            stop(nginx)
            for process in gunicorns.values():
                stop(process)


@pytest.fixture
def session(replicas):
    with https_session(replicas.ports.https, DOMAIN) as client:
        yield client


def get(session, path):
    return session.get(session.base + path, allow_redirects=False, timeout=30)


def post(session, path, data):
    return session.post(
        session.base + path,
        data=data,
        headers={"Referer": f"https://{DOMAIN}{path}"},
        allow_redirects=False,
        timeout=30,
    )


def log_in(session):
    form = get(session, "/accounts/login/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    done = post(
        session,
        "/accounts/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302, done.text[:300]
    return token


def served_lines(replicas):
    """Access-log lines per replica address."""
    return {
        address: log.read_text().splitlines() if log.exists() else []
        for address, log in replicas.access_logs.items()
    }


def test_requests_spread_over_the_replicas_and_one_login_holds_on_all(
    replicas, session
):
    """Sessions live in the database: a login made on one replica is good on
    the other; a resolved replica with nothing listening costs no request."""
    before = {address: len(lines) for address, lines in served_lines(replicas).items()}
    log_in(session)
    pages = [get(session, LOGIN_REQUIRED_PAGE) for _ in range(30)]
    assert [page.status_code for page in pages] == [200] * 30
    after = served_lines(replicas)
    for address in REPLICAS:
        catalogue = [
            line for line in after[address][before[address] :] if "/catalogue/" in line
        ]
        assert catalogue, f"replica {address} got no request"
    assert replicas.dns.queries >= 1


def test_a_replica_dying_mid_request_is_retried_for_get_never_for_post(
    replicas, session
):
    token = log_in(session)
    with DroppingReplica(DEAD_REPLICA, replicas.web_port) as dying:
        pages = [get(session, LOGIN_REQUIRED_PAGE) for _ in range(30)]
        before = served_lines(replicas)
        posts = [
            post(
                session, "/accounts/logout/", {"csrfmiddlewaretoken": token}
            ).status_code
            for _ in range(30)
        ]
    # Every GET is answered, also those the dying replica took first.
    assert [page.status_code for page in pages] == [200] * 30
    assert "GET" in dying.methods
    # A POST the dying replica took gets 502 and is not sent again elsewhere.
    dropped_posts = dying.methods.count("POST")
    assert dropped_posts >= 1
    assert posts.count(502) == dropped_posts
    after = served_lines(replicas)
    answered = sum(
        1
        for address in REPLICAS
        for line in after[address][len(before[address]) :]
        if '"POST /accounts/logout/' in line
    )
    assert answered + dropped_posts == 30
