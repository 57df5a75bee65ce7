"""gunicorn config for the killed-server upload test: stalls a worker at a
chosen point of an upload so the test can SIGKILL it exactly there.

A point is armed by creating `<KILL_CONTROL>/armed-<point>`; the first
request to reach it removes that file, writes its pid to
`<KILL_CONTROL>/reached-<point>` and sleeps until it is killed. Unarmed
points cost one `os.unlink` attempt. Points:

- tables: a beam's rows and best-beam flags written, not committed;
- receiving: a file batch half received (3 parts on disk in .incoming/);
- stored: a batch's files linked into storage and flushed, rows not written;
- committed: a batch's rows committed, the answer not yet sent.
"""

import os
import time
from pathlib import Path

CONTROL = Path(os.environ["KILL_CONTROL"])


def stall_if_armed(point):
    try:
        (CONTROL / f"armed-{point}").unlink()
    except FileNotFoundError:
        return
    (CONTROL / f"reached-{point}.tmp").write_text(str(os.getpid()))
    (CONTROL / f"reached-{point}.tmp").rename(CONTROL / f"reached-{point}")
    time.sleep(120)


def after(function, point, when=lambda *args, **kwargs: True):
    def stalled(*args, **kwargs):
        result = function(*args, **kwargs)
        if when(*args, **kwargs):
            stall_if_armed(point)
        return result

    return stalled


def post_worker_init(worker):
    from catalogue.api.views import uploads
    from catalogue.ingest import file_batches, incoming, service

    service.recompute_best_beams = after(service.recompute_best_beams, "tables")
    handler = incoming.HashingUploadHandler
    handler.file_complete = after(
        handler.file_complete, "receiving", lambda self, size: len(self.paths) >= 3
    )
    file_batches.make_durable = after(file_batches.make_durable, "stored")
    uploads.ingest_file_batch = after(uploads.ingest_file_batch, "committed")
