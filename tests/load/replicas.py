"""`make load REPLICAS=2`: the load run through nginx in front of web replicas.

Each replica is a gunicorn with production settings on its own loopback
address (127.0.0.2, 127.0.0.3, ...) and one shared port, as scaled `web`
containers are on the compose network; all share PostgreSQL and Redis.
nginx runs the rendered production template (TLS, the real upstream and
retry rules) with WEB_UPSTREAM naming a service that a stand-in for the
container engine's DNS (tests/deploy/standin_dns.py) resolves to every
replica. Halfway through, one replica is killed (SIGKILL to its whole
process group: master and workers), and its address keeps resolving, as a
dead container's does until it is replaced.

What must hold: every acknowledged rating is stored exactly once, and the
only failed requests are those in flight on the killed replica when it died
(nginx retries the idempotent ones elsewhere; a POST it had already sent
is answered 502).
"""

import os
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import requests
import urllib3

from tests.deploy.nginx_runner import configure, nginx_command
from tests.deploy.standin_dns import StandInDNS

DOMAIN = "portal.test"
SERVICE = "web.portal.test"
REDIS_DB = 11  # the load run's own Redis database (the tests use 12-14)


def replica_addresses(count):
    return [f"127.0.0.{2 + n}" for n in range(count)]


def free_port(addresses):
    """One TCP port free on every address in `addresses`."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((addresses[0], 0))
            port = probe.getsockname()[1]
        try:
            for address in addresses[1:]:
                with socket.socket() as sock:
                    sock.bind((address, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on every replica address")


def shared_redis_url():
    """The replicas' shared cache, emptied first; None without a Redis."""
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError:
        return None
    return url


class NginxFront:
    """nginx on loopback with the production config in front of the replicas.

    Raters talk HTTPS to it as `portal.test`: `url` is where to connect,
    `origin` what a browser would send as Referer.
    """

    def __init__(self, root, addresses, web_port):
        self.root = Path(root)  # a fresh directory
        ports = SimpleNamespace(
            http=free_port(["127.0.0.1"]),
            https=free_port(["127.0.0.1"]),
            firefly=free_port(["127.0.0.1"]),
        )
        self.url = f"https://127.0.0.1:{ports.https}"
        self.origin = f"https://{DOMAIN}"
        self.host_header = DOMAIN
        self.dns = StandInDNS(SERVICE, addresses)
        configure(
            self.root,
            DOMAIN,
            ports,
            web_upstream=f"{SERVICE}:{web_port}",
            resolver=f"127.0.0.1:{self.dns.port}",
        )
        self.process = None

    def start(self):
        # The raters accept the temporary self-signed certificate.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.dns.__enter__()
        self.process = subprocess.Popen(nginx_command(self.root))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(
                    ("127.0.0.1", int(self.url.rsplit(":", 1)[1])), timeout=1
                ).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not listen within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.dns.__exit__()

    def requests_per_replica(self):
        """How many requests each upstream address finally answered."""
        counts = Counter()
        log = self.root / "nginx-access.log"
        for line in log.read_text().splitlines() if log.exists() else ():
            tried = line.partition(" upstream=")[2].partition(" upstream_status=")[0]
            answered = tried.split(",")[-1].strip()  # the last replica tried
            if answered and answered != "-":
                counts[answered.rsplit(":", 1)[0]] += 1
        return dict(sorted(counts.items()))


def kill_replica(portal, at_s, events, stop, stats):
    """SIGKILL one replica's master and workers after `at_s` seconds."""
    if stop.wait(at_s):
        return
    before = time.perf_counter()
    os.killpg(portal.process.pid, signal.SIGKILL)
    # The kill lands when the last process of the group is gone: until then
    # the kernel still queues new connections on the replica's socket, and
    # requests nginx sends on them die with it (they were in flight there).
    portal.process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(portal.process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    stats.kill_window = (before, time.perf_counter())
    events.append({"at_s": round(at_s, 1), "fault": f"killed replica {portal.address}"})


def in_flight(error, window):
    """True when the failed request was under way as the replica died."""
    return (
        window is not None
        and error["started"] <= window[1]
        and (error["finished"] >= window[0])
    )


def replica_problems(stats, ratings, history, pairs):
    """What broke the promises of a replica-kill run (an empty list: none)."""
    problems = []
    window = getattr(stats, "kill_window", None)
    if window is None:
        problems.append("no replica was killed")
    outside = [e for e in stats.error_records if not in_flight(e, window)]
    if outside:
        problems.append(f"{len(outside)} failed requests not in flight at the kill")
    if [e for e in stats.error_records if e["method"] == "GET" and e["status"] == 502]:
        problems.append("a GET got 502: nginx did not retry it on another replica")
    unanswered_rates = [e for e in stats.error_records if e["kind"] == "rate"]
    if not stats.rated_pairs <= pairs:
        problems.append("an acknowledged rating is missing")
    if ratings != len(pairs):
        problems.append("a (rater, candidate) pair is stored twice")
    unacknowledged = pairs - stats.rated_pairs
    if len(unacknowledged) > len(unanswered_rates):
        problems.append("ratings stored that nobody submitted")
    if not stats.submissions <= history <= stats.submissions + len(unanswered_rates):
        problems.append(
            "history rows differ from acknowledged submissions by more than the "
            "submissions in flight on the killed replica"
        )
    return problems


def probe(front):
    """True when the portal answers through nginx."""
    try:
        response = requests.get(
            front.url + "/healthz",
            headers={"Host": front.host_header},
            verify=False,
            timeout=10,
        )
    except requests.RequestException:
        return False
    return response.status_code == 200
