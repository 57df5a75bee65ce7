"""Stand-in for willfarrell/autoheal, for the boot test.

Every AUTOHEAL_INTERVAL seconds (after AUTOHEAL_START_PERIOD) it lists the
containers labelled AUTOHEAL_CONTAINER_LABEL=true through the engine's API
socket, and restarts those whose healthcheck reports "unhealthy" — what the
real autoheal does, through the same Docker-compatible endpoints.
"""

import http.client
import json
import os
import signal
import socket
import sys
import time
import urllib.parse

SOCKET = os.environ.get("DOCKER_SOCK", "/var/run/docker.sock")


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the engine's unix socket."""

    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.path)


def call(method, url):
    """(status, decoded JSON or None) of one API request."""
    connection = UnixConnection(SOCKET)
    try:
        connection.request(method, url)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, (json.loads(body) if body.strip() else None)


def unhealthy_labelled(label):
    """Ids and names of labelled containers the engine reports unhealthy."""
    filters = json.dumps({"label": [f"{label}=true"]})
    status, containers = call(
        "GET", "/containers/json?filters=" + urllib.parse.quote(filters)
    )
    if status != 200:
        raise RuntimeError(f"listing containers answered {status}")
    found = []
    for container in containers:
        status, details = call("GET", f"/containers/{container['Id']}/json")
        health = ((details or {}).get("State") or {}).get("Health") or {}
        if health.get("Status") == "unhealthy":
            found.append((container["Id"], details.get("Name", "").lstrip("/")))
    return found


def main():
    label = os.environ.get("AUTOHEAL_CONTAINER_LABEL", "autoheal")
    interval = int(os.environ.get("AUTOHEAL_INTERVAL", "5"))
    start_period = int(os.environ.get("AUTOHEAL_START_PERIOD", "0"))
    timeout = int(os.environ.get("AUTOHEAL_DEFAULT_STOP_TIMEOUT", "10"))
    print(
        f"autoheal stand-in: label {label}=true,"
        f" every {interval}s after {start_period}s"
    )
    time.sleep(start_period)
    while True:
        try:
            for container_id, name in unhealthy_labelled(label):
                print(
                    f"container {name} ({container_id[:12]}) is unhealthy: restarting"
                )
                status, _ = call(
                    "POST", f"/containers/{container_id}/restart?t={timeout}"
                )
                print(f"restart of {name} answered {status}")
        except Exception as exc:  # the real autoheal keeps going too
            print(f"autoheal stand-in: {exc}", file=sys.stderr)
        time.sleep(interval)


if __name__ == "__main__":
    # As PID 1, Python would ignore `docker stop`'s SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
