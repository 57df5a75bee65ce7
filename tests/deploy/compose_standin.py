"""A stand-in for `docker compose` (no Docker engine runs here).

`make backup` / `make restore` are run with DOCKER_COMPOSE pointing at this
script. It drops the global options, records `stop`/`up`, and runs the
command of `exec` and `run` on this host instead of in a container: the
db commands against the PostgreSQL named by PGHOST/POSTGRES_DB, the web
commands with the container's /app/media replaced by STANDIN_MEDIA.
"""

import os
import subprocess
import sys


def main(argv):
    while argv and argv[0] in {"--env-file", "-f"}:
        argv = argv[2:]
    action, argv = argv[0], argv[1:]
    with open(os.environ["STANDIN_LOG"], "a") as log:
        log.write(" ".join([action, *argv]) + "\n")
    if action in {"stop", "up"}:
        return 0
    entrypoint = []
    while argv[0].startswith("-"):
        option = argv.pop(0)
        if option == "--entrypoint":
            entrypoint = [argv.pop(0)]
        elif option == "-e":
            argv.pop(0)
    argv.pop(0)  # the service name
    command = [
        arg.replace("/app/media", os.environ["STANDIN_MEDIA"])
        for arg in entrypoint + argv
    ]
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
