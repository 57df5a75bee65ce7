"""The start-up and maintenance scripts the containers run, run here.

Let's Encrypt cannot be reached from this machine and the container's
nginx is not ours to signal, so `certbot` and `nginx` are stand-ins on PATH
(tiny shell scripts that record their arguments and exit with a chosen
status). Everything else is the real script under /bin/sh.
"""

import os
import signal
import subprocess
import time

import pytest

from tests.deploy.conftest import REPO

SCRIPTS = REPO / "docker"
# The certbot service's healthcheck (compose.prod.yml), with the heartbeat path.
HEALTHCHECK = "find {heartbeat} -mmin -780 | grep -q ."


@pytest.fixture
def standin(tmp_path):
    """Make stand-in commands: standin("certbot", status) -> log file path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()

    def make(name, status=0):
        log = tmp_path / f"{name}.log"
        command = bin_dir / name
        command.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexit {status}\n')
        command.chmod(0o755)
        return log

    make.path = f"{bin_dir}:{os.environ['PATH']}"
    return make


def run_script(path, env, **kwargs):
    return subprocess.run(
        ["sh", str(path)], env=env, capture_output=True, text=True, **kwargs
    )


def self_signed(cert_dir):
    result = run_script(
        SCRIPTS / "nginx/entrypoint.d/25-self-signed-certificate.sh",
        {"PATH": os.environ["PATH"], "NGINX_CERT_DIR": str(cert_dir)},
    )
    assert result.returncode == 0, result.stderr


def test_obtain_replaces_the_temporary_certificate_via_webroot(tmp_path, standin):
    certbot = standin("certbot")
    config = tmp_path / "letsencrypt"
    self_signed(config / "live/portal.test")
    assert (config / "live/portal.test/.self-signed").exists()
    env = {
        "PATH": standin.path,
        "PORTAL_DOMAIN": "portal.test",
        "LETSENCRYPT_EMAIL": "ops@portal.test",
        "LETSENCRYPT_DIR": str(config),
    }
    result = run_script(SCRIPTS / "certbot/obtain-certificate.sh", env)
    assert result.returncode == 0, result.stderr
    assert not (config / "live/portal.test").exists()
    assert certbot.read_text().split() == [
        "certonly",
        "--config-dir",
        str(config),
        "--webroot",
        "-w",
        "/var/www/certbot",
        "-d",
        "portal.test",
        "--email",
        "ops@portal.test",
        "--agree-tos",
        "--no-eff-email",
        "--non-interactive",
        "--keep-until-expiring",
    ]
    certbot.unlink()
    test_ca = run_script(
        SCRIPTS / "certbot/obtain-certificate.sh", env | {"LETSENCRYPT_TEST_CA": "true"}
    )
    assert test_ca.returncode == 0
    assert certbot.read_text().split()[-1] == "--test-cert"


def test_obtain_keeps_a_real_certificate_and_needs_an_email(tmp_path, standin):
    standin("certbot")
    live = tmp_path / "letsencrypt/live/portal.test"
    live.mkdir(parents=True)
    (live / "fullchain.pem").write_text("issued by Let's Encrypt")
    env = {
        "PATH": standin.path,
        "PORTAL_DOMAIN": "portal.test",
        "LETSENCRYPT_DIR": str(tmp_path / "letsencrypt"),
    }
    refused = run_script(SCRIPTS / "certbot/obtain-certificate.sh", env)
    assert refused.returncode != 0
    assert "LETSENCRYPT_EMAIL must be set" in refused.stderr
    kept = run_script(
        SCRIPTS / "certbot/obtain-certificate.sh",
        env | {"LETSENCRYPT_EMAIL": "ops@portal.test"},
    )
    assert kept.returncode == 0
    assert (live / "fullchain.pem").read_text() == "issued by Let's Encrypt"


def run_loop(script, env, seconds):
    """Run a forever-loop script for `seconds`, then end its process group."""
    process = subprocess.Popen(["sh", str(script)], env=env, start_new_session=True)
    time.sleep(seconds)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@pytest.mark.parametrize("status, healthy", [(0, True), (1, False)])
def test_renew_loop_heartbeat_drives_the_healthcheck(
    tmp_path, standin, status, healthy
):
    certbot = standin("certbot", status)
    heartbeat = tmp_path / "heartbeat"
    env = {
        "PATH": standin.path,
        "CERTBOT_HEARTBEAT": str(heartbeat),
        "CERTBOT_RENEW_INTERVAL": "0.5",
    }
    run_loop(SCRIPTS / "certbot/renew-loop.sh", env, 1.4)
    calls = certbot.read_text().splitlines()
    assert len(calls) >= 2  # renewed again after the interval
    assert calls[0].startswith("renew --non-interactive")
    check = subprocess.run(
        ["sh", "-c", HEALTHCHECK.format(heartbeat=heartbeat)], capture_output=True
    )
    assert (check.returncode == 0) is healthy
    prod = (REPO / "docker/compose.prod.yml").read_text()
    assert HEALTHCHECK.format(heartbeat="/tmp/certbot-heartbeat") in prod


def test_nginx_reload_loop_reloads_every_interval(tmp_path, standin):
    nginx = standin("nginx", status=1)  # a failed reload must not end the loop
    env = {"PATH": standin.path, "NGINX_RELOAD_INTERVAL": "0.3"}
    process = subprocess.Popen(
        ["sh", str(SCRIPTS / "nginx/entrypoint.d/40-reload-loop.sh")],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert process.wait(timeout=10) == 0  # returns at once: the loop runs on
    time.sleep(1.2)
    os.killpg(process.pid, signal.SIGTERM)
    assert nginx.read_text().splitlines()[:2] == ["-s reload", "-s reload"]


RESOLVER_SCRIPT = SCRIPTS / "nginx/entrypoint.d/15-resolver-from-resolv-conf.envsh"


@pytest.mark.parametrize(
    "resolv_conf, given, expected",
    [
        # Docker's embedded DNS, podman's aardvark-dns on the network gateway.
        ("nameserver 127.0.0.11\noptions ndots:0\n", "auto", "127.0.0.11"),
        # podman adds the host's servers after its own: only the first counts.
        (
            "search dns.podman\nnameserver 10.231.0.1\nnameserver 10.255.255.53\n",
            "",
            "10.231.0.1",
        ),
        ("nameserver fd00::1\n", "auto", "[fd00::1]"),
        # An address the operator set is kept.
        ("nameserver 10.231.0.1\n", "192.0.2.53", "192.0.2.53"),
    ],
)
def test_nginx_resolver_is_the_containers_own_dns_server(
    tmp_path, resolv_conf, given, expected
):
    """The script the nginx entrypoint sources before rendering the template."""
    conf = tmp_path / "resolv.conf"
    conf.write_text(resolv_conf)
    env = {"PATH": os.environ["PATH"], "NGINX_RESOLV_CONF": str(conf)}
    if given:
        env["NGINX_RESOLVER"] = given
    result = subprocess.run(
        ["sh", "-c", f'set -eu; . "{RESOLVER_SCRIPT}"; printf "%s" "$NGINX_RESOLVER"'],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split("\n")[-1].strip() == expected
