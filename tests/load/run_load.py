"""`make load`: many simulated raters against a real gunicorn on PostgreSQL.

Run as `python -m tests.load.run_load` from the repository root.

Starts gunicorn with the production settings over loopback, drives N
concurrent raters for D seconds (browse the catalogue with filters, open
candidate pages, submit ratings, rate & next), reports requests/s, latency
percentiles (ms) and errors, then checks that stored ratings and history
rows match the successful submissions exactly.

Faults (`--faults`): kill one gunicorn worker a third of the way in and
restart PostgreSQL two thirds of the way in; the run must continue, give
only clean 503s while the database is away, recover without restarting the
portal, and lose no acknowledged rating.

Only loopback addresses are used; every loop is bounded by the duration.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from tests.load.replicas import (
    DOMAIN,
    NginxFront,
    in_flight,
    kill_replica,
    probe,
    replica_addresses,
    replica_problems,
    shared_redis_url,
)
from tests.load.replicas import (
    free_port as replica_port,
)

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CANDIDATE_RE = re.compile(r"/candidates/(\d+)/")
LABELS = ("true", "false", "unsure")
CATALOGUE_QUERIES = (
    "",
    "?sort=-peak_map",
    "?peak_map_min=3&chi_square_sigma_min=2&sort=-chi_square_sigma",
    "?rating_status=unrated_by_me",
    "?beam_sep_deg_max=0.4&sort=name",
)
PASSWORD = "load-test-password"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Portal:
    """A gunicorn serving the portal with production settings on loopback."""

    def __init__(
        self, database_url, workers, static_root, address="127.0.0.1", port=None, env=()
    ):
        self.address = address
        self.port = port or free_port()
        self.url = f"http://{address}:{self.port}"
        self.origin = self.url  # what a browser sends as Referer
        self.host_header = None  # the Host header is the URL's
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "load-test-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback only
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(static_root.parent / "media"),
            "CONN_MAX_AGE": "60",
            **dict(env),
        }
        self.workers = workers
        self.process = None

    def manage(self, *args):
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def shell_output(self, script):
        """Last line printed by `script` run in `manage.py shell` for this portal."""
        out = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return out.strip().splitlines()[-1]

    def start(self):
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"{self.address}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,  # its own process group, killed as one
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not become healthy within 60 s")

    def worker_pids(self):
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Stats:
    """Thread-safe record of every request and every acknowledged rating."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies_ms = []
        self.statuses = Counter()
        self.errors = []
        self.submissions = 0
        self.rated_pairs = set()
        self.clean_503 = 0
        self.error_records = []  # kind, method, status, started, finished

    def record(self, kind, started, status, error=None, method="GET"):
        finished = time.perf_counter()
        with self.lock:
            self.latencies_ms.append((finished - started) * 1000)
            self.statuses[status] += 1
            if status == 503:
                self.clean_503 += 1
            elif error:
                self.errors.append(f"{kind}: {error}")
                self.error_records.append(
                    {
                        "kind": kind,
                        "method": method,
                        "status": status,
                        "started": started,
                        "finished": finished,
                    }
                )

    def acknowledge(self, username, candidate_id):
        with self.lock:
            self.submissions += 1
            self.rated_pairs.add((username, candidate_id))


class Phases:
    """Every rater logs in first; the measured run (and any fault) starts
    once all have, so a slow machine's password hashing is not load."""

    LOGIN_TIMEOUT_S = 300

    def __init__(self, raters):
        self.pending = raters
        self.changed = threading.Condition()
        self.started = threading.Event()
        self.login_deadline = time.monotonic() + self.LOGIN_TIMEOUT_S
        self.deadline = None

    def login_done(self):
        with self.changed:
            self.pending -= 1
            self.changed.notify_all()

    def wait_for_logins(self):
        with self.changed:
            self.changed.wait_for(lambda: self.pending == 0, self.LOGIN_TIMEOUT_S)

    def begin(self, duration_s):
        self.deadline = time.monotonic() + duration_s
        self.started.set()


class Rater(threading.Thread):
    """One simulated rater: logs in, then browses and rates until the deadline."""

    def __init__(self, portal, username, candidate_ids, phases, stats, seed):
        super().__init__(daemon=True)
        self.portal, self.username = portal, username
        self.candidate_ids, self.phases, self.stats = candidate_ids, phases, stats
        self.random = random.Random(seed)
        self.session = requests.Session()
        if portal.host_header:  # through nginx: HTTPS to its temporary certificate
            self.session.headers["Host"] = portal.host_header
            self.session.verify = False
            self.session.trust_env = False

    def request(self, kind, method, path, allow_redirects=True, **kwargs):
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                self.portal.url + path,
                timeout=30,
                allow_redirects=allow_redirects,
                **kwargs,
            )
        except requests.RequestException as exc:
            self.stats.record(kind, started, "connection-error", repr(exc), method)
            return None
        ok = response.status_code < 400
        self.stats.record(
            kind,
            started,
            response.status_code,
            None if ok else f"{method} {path} → {response.status_code}",
            method,
        )
        return response if ok else None

    def login(self):
        page = self.request("login-page", "GET", "/accounts/login/")
        if page is None:
            return False
        token = CSRF_RE.search(page.text).group(1)
        done = self.request(
            "login",
            "POST",
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": PASSWORD,
            },
            headers={"Referer": self.portal.origin + "/accounts/login/"},
        )
        return done is not None and "sessionid" in self.session.cookies

    def rate(self, candidate_id, action):
        page = self.request("candidate", "GET", f"/candidates/{candidate_id}/")
        if page is None:
            return
        match = CSRF_RE.search(page.text)
        response = self.request(
            "rate",
            "POST",
            f"/candidates/{candidate_id}/rate/",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "label": self.random.choice(LABELS),
                "notes": f"load test, {action}",
                "action": action,
            },
            headers={"Referer": self.portal.origin + f"/candidates/{candidate_id}/"},
            allow_redirects=False,
        )
        if response is not None and response.status_code == 302:
            self.stats.acknowledge(self.username, candidate_id)
            if action == "next":
                self.request("rate-next", "GET", response.headers["Location"])

    def run(self):
        logged_in = False
        try:
            while not logged_in and time.monotonic() < self.phases.login_deadline:
                logged_in = self.login()
        finally:
            self.phases.login_done()
        self.phases.started.wait()
        if not logged_in:
            return
        while time.monotonic() < self.phases.deadline:
            choice = self.random.random()
            candidate_id = self.random.choice(self.candidate_ids)
            if choice < 0.3:
                self.request(
                    "catalogue",
                    "GET",
                    "/catalogue/" + self.random.choice(CATALOGUE_QUERIES),
                )
            elif choice < 0.55:
                self.request("candidate", "GET", f"/candidates/{candidate_id}/")
            elif choice < 0.8:
                self.rate(candidate_id, "save")
            else:
                self.rate(candidate_id, "next")


def prepare_database(portal, candidates, users):
    """Migrate, collect static files, load candidates and the load-test raters."""
    portal.manage("migrate", "--noinput")
    portal.manage("collectstatic", "--noinput")
    script = (
        "from catalogue.demo.synthetic import load_synthetic_catalogue;"
        "from django.contrib.auth import get_user_model;"
        "from rating.models import Rating;"
        f"load_synthetic_catalogue({candidates}, project_slug='load', observations=2);"
        "User = get_user_model();"
        f"names = [f'load-rater-{{n:02d}}' for n in range({users})];"
        "[User.objects.get_or_create(username=n) for n in names];"
        "[u.set_password('" + PASSWORD + "') or u.save() "
        "for u in User.objects.filter(username__in=names)];"
        "Rating.objects.filter(user__username__startswith='load-rater-').delete()"
    )
    portal.manage("shell", "-c", script)


def stored_counts(portal):
    """(ratings, history rows, set of (username, candidate id)) of the load raters."""
    script = (
        "import json;from rating.models import Rating, RatingHistory;"
        "q = Rating.objects.filter(user__username__startswith='load-rater-');"
        "print(json.dumps([q.count(),"
        " RatingHistory.objects.filter(rating__in=q).count(),"
        " list(q.values_list('user__username', 'candidate_id'))]))"
    )
    ratings, history, pairs = json.loads(portal.shell_output(script))
    return ratings, history, {tuple(pair) for pair in pairs}


def candidate_ids(portal):
    script = (
        "from catalogue.survey.models import Candidate;"
        "print(','.join(str(i) for i in Candidate.objects.filter("
        "observation__project__slug='load', is_best_beam=True)"
        ".values_list('id', flat=True)[:5000]))"
    )
    return [int(i) for i in portal.shell_output(script).split(",")]


def inject_faults(portal, duration, events, stop):
    """Kill a worker at 1/3 of the run and restart PostgreSQL at 2/3."""
    if stop.wait(duration / 3):
        return
    victim = portal.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    events.append({"at_s": round(duration / 3, 1), "fault": f"killed worker {victim}"})
    if stop.wait(duration / 3):
        return
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
        check=True,
        capture_output=True,
    )
    events.append(
        {
            "at_s": round(2 * duration / 3, 1),
            "fault": "restarted PostgreSQL",
            "restart_s": round(time.monotonic() - started, 1),
        }
    )


def run_raters(target, ids, args, stats, fault):
    """Drive the raters against `target` (a Portal or the nginx front) while
    `fault(events, stop)` runs beside them; return (elapsed s, fault events)."""
    events, stop = [], threading.Event()
    phases = Phases(args.users)
    raters = [
        Rater(target, f"load-rater-{n:02d}", ids, phases, stats, seed=n)
        for n in range(args.users)
    ]
    for rater in raters:
        rater.start()
    phases.wait_for_logins()
    started = time.monotonic()
    phases.begin(args.duration)
    fault_thread = None
    if fault:
        fault_thread = threading.Thread(target=fault, args=(events, stop))
        fault_thread.start()
    for rater in raters:
        rater.join(timeout=args.duration + 120)
    elapsed = time.monotonic() - started
    stop.set()
    if fault_thread:
        fault_thread.join()
    return elapsed, events


def run_single(args, out, stats):
    """One gunicorn, raters straight at it (optionally with --faults)."""
    portal = Portal(args.database_url, args.workers or 4, out.parent / "static")
    prepare_database(portal, args.candidates, args.users)
    ids = candidate_ids(portal)
    portal.start()
    fault = None
    if args.faults:

        def fault(events, stop):
            inject_faults(portal, args.duration, events, stop)

    try:
        elapsed, events = run_raters(portal, ids, args, stats, fault)
        recovered = requests.get(portal.url + "/healthz", timeout=10).status_code == 200
        alive = portal.process.poll() is None
    finally:
        portal.stop()
    ratings, history, pairs = stored_counts(portal)
    problems = []
    if args.faults:
        # A request in flight on the killed worker may have been stored without its
        # answer reaching the client: every acknowledged rating must be stored.
        if not stats.rated_pairs <= pairs:
            problems.append("an acknowledged rating is missing")
        if history < stats.submissions:
            problems.append("history rows missing for acknowledged submissions")
        if not recovered or not alive:
            problems.append("the portal did not recover by itself")
        if any(
            isinstance(status, int) and status >= 500 and status != 503
            for status in stats.statuses
        ):
            problems.append("a server error other than a clean 503")
    else:
        if stats.errors:
            problems.append(f"{len(stats.errors)} failed requests")
        if ratings != len(stats.rated_pairs) or pairs != stats.rated_pairs:
            problems.append("stored ratings differ from acknowledged ratings")
        if history != stats.submissions:
            problems.append("history rows differ from acknowledged submissions")
    details = {
        "workers": args.workers or 4,
        "portal_recovered": recovered,
        "portal_process_alive": alive,
    }
    return elapsed, events, (ratings, history, pairs), problems, details


def run_replicas(args, out, stats):
    """Replicas behind nginx sharing PostgreSQL and Redis; one killed halfway."""
    addresses = replica_addresses(args.replicas)
    port = replica_port(addresses)
    redis = shared_redis_url()
    env = {
        "TRUSTED_PROXIES": "127.0.0.0/8",
        **({"REDIS_URL": redis} if redis else {}),
    }
    workers = args.workers or 2
    portals = [
        Portal(
            args.database_url,
            workers,
            out.parent / "static",
            address,
            port,
            # portal.test through nginx; its own address for the health probe
            {**env, "ALLOWED_HOSTS": f"{DOMAIN},{address}"},
        )
        for address in addresses
    ]
    prepare_database(portals[0], args.candidates, args.users)
    ids = candidate_ids(portals[0])
    front = NginxFront(
        tempfile.mkdtemp(prefix="nginx-", dir=out.parent), addresses, port
    )
    try:
        for portal in portals:
            portal.start()
        front.start()

        def fault(events, stop):
            kill_replica(portals[0], args.duration / 2, events, stop, stats)

        elapsed, events = run_raters(front, ids, args, stats, fault)
        recovered = probe(front)
    finally:
        front.stop()
        for portal in portals:
            portal.stop()
    ratings, history, pairs = stored_counts(portals[0])
    problems = replica_problems(stats, ratings, history, pairs)
    if not recovered:
        problems.append("the portal stopped answering through nginx")
    window = getattr(stats, "kill_window", None)
    details = {
        "replicas": addresses,
        "workers_per_replica": workers,
        "redis": redis,
        "requests_per_replica": front.requests_per_replica(),
        "errors_in_flight_at_kill": sum(
            1 for error in stats.error_records if in_flight(error, window)
        ),
        "portal_recovered": recovered,
    }
    return elapsed, events, (ratings, history, pairs), problems, details


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--users", type=int, default=50, help="concurrent raters")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers (default 4, or 2 per replica)",
    )
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="N >= 2: N gunicorns behind nginx, one killed halfway (tests/load/"
        "replicas.py)",
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/portal_load"
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "load" / "load.json"))
    args = parser.parse_args()
    if args.replicas == 1 or (args.replicas and args.faults):
        parser.error("--replicas takes 2 or more, and not with --faults")

    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "createdb",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            args.database_url.rsplit("/", 1)[1],
        ],
        capture_output=True,
    )
    stats = Stats()
    run = run_replicas if args.replicas else run_single
    elapsed, events, (ratings, history, _pairs), problems, details = run(
        args, out, stats
    )
    latencies = stats.latencies_ms
    report = {
        "users": args.users,
        "duration_s": args.duration,
        **details,
        "faults": events,
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "mean": round(statistics.fmean(latencies), 1),
        },
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items(), key=str)},
        "errors": len(stats.errors),
        "clean_503": stats.clean_503,
        "error_samples": stats.errors[:10],
        "acknowledged_submissions": stats.submissions,
        "acknowledged_pairs": len(stats.rated_pairs),
        "stored_ratings": ratings,
        "stored_history_rows": history,
        "problems": problems,
    }
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
