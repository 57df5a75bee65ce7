"""Which system tools the tests can use; tests needing a missing one skip.

`make test` installs the Debian packages when it runs as root with apt-get
(`make system-packages`); elsewhere the tests needing them skip, and the
end of the run names the packages in one line (tests/conftest.py).
PORTAL_TESTS_WITHOUT="chromium,nginx" makes the named tools look absent, to
try that path without uninstalling anything.
"""

import os
import shutil
import socket
from pathlib import Path

import pytest

MISSING_PACKAGE = "needs the Debian package "
INSTALL_COMMAND = "make system-packages (as root)"


def _hidden():
    return {
        name.strip()
        for name in os.environ.get("PORTAL_TESTS_WITHOUT", "").split(",")
        if name.strip()
    }


def have(tool):
    """True when `tool` (a command name or an absolute path) is installed."""
    if Path(tool).name in _hidden():
        return False
    return Path(tool).is_file() if os.path.isabs(tool) else bool(shutil.which(tool))


def needs_package(package, *tools):
    """Skip marker unless every one of `tools` (from `package`) is installed."""
    return pytest.mark.skipif(
        not all(have(tool) for tool in tools),
        reason=f"{MISSING_PACKAGE}{package}",
    )


def postgres_reachable(host="127.0.0.1", port=5432):
    """True when a PostgreSQL server accepts connections at host:port."""
    if "postgres" in _hidden():
        return False
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True
