"""`make test` on a fresh machine: it installs the Debian packages its tests
drive where it can, and where it cannot, those tests skip and the run ends
with one line naming the packages and the command that installs them."""

import os
import subprocess
import sys

import pytest

from tests.deploy.conftest import REPO

SCRIPT = REPO / "scripts/system-packages.sh"


def standin_bin(tmp_path, **commands):
    """A PATH folder whose commands print their arguments to <name>.log."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in commands.items():
        (folder / name).write_text(
            f'#!/bin/sh\necho "$*" >> {tmp_path}/{name}.log\n{body}\n'
        )
        (folder / name).chmod(0o755)
    return f"{folder}:{os.environ['PATH']}"


def run_script(path_env, *packages):
    return subprocess.run(
        ["sh", str(SCRIPT), *packages],
        env={"PATH": path_env},
        capture_output=True,
        text=True,
    )


def test_root_with_apt_get_installs_only_the_missing_packages(tmp_path):
    path = standin_bin(
        tmp_path,
        dpkg='[ "$2" = curl ]',  # only curl is installed
        id="echo 0",
        **{"apt-get": "exit 0"},
    )
    result = run_script(path, "curl", "chromium", "nginx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt-get.log").read_text().splitlines() == [
        "update -qq",
        "install -y -qq chromium nginx",
    ]
    assert "installed chromium nginx" in result.stdout


def test_without_root_nothing_is_installed_and_make_test_goes_on(tmp_path):
    path = standin_bin(tmp_path, dpkg="exit 1", id="echo 1000", **{"apt-get": ""})
    result = run_script(path, "chromium")
    assert result.returncode == 0
    assert "not installing chromium (needs root and apt-get)" in result.stdout
    assert not (tmp_path / "apt-get.log").exists()


def test_make_test_installs_the_system_packages_first():
    lines = subprocess.run(
        ["make", "-n", "test", "VENV=.venv-not-rebuilt", "PYTHON=true"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    (install,) = [line for line in lines if "system-packages.sh" in line]
    assert install.split()[2:] == [
        "chromium",
        "libatomic1",
        "nginx",
        "gettext-base",
        "openssl",
        "curl",
        "postgresql-client",
    ]
    assert lines.index(install) < next(
        i for i, line in enumerate(lines) if "pytest" in line
    )


@pytest.mark.slow
def test_missing_chromium_and_nginx_skip_with_one_closing_line():
    """PORTAL_TESTS_WITHOUT makes them look absent (tests/system_tools.py)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "tests/catalogue/browse/test_browser.py",
            "tests/deploy/test_nginx.py",
        ],
        cwd=REPO,
        env=os.environ | {"PORTAL_TESTS_WITHOUT": "chromium,nginx"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    lines = result.stdout.splitlines()
    summary = [line for line in lines if "missing system packages" in line]
    assert summary == [lines[-2]]  # just before the counts
    assert summary[0].startswith("Skipped for missing system packages: chromium (")
    assert "nginx (" in summary[0]
    assert summary[0].endswith("install them with: make system-packages (as root)")
    assert "skipped" in lines[-1] and "passed" not in lines[-1]
