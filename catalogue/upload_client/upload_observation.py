#!/usr/bin/env python3
"""Upload one observation's pipeline directory to a Candidate Portal.

    python upload_observation.py --url https://portal.example.org \\
        --token-file ~/.portal-token --project vast /data/SB50230

Runs on a pipeline machine without Django: it needs `requests`, `astropy`
(to read DATE-OBS) and two files of the portal, `pipeline_files.py` (the
file-name rules and the directory walk) and `columns.py` (the rules for
the values of the final CSV), found next to this script or in the portal's
`catalogue/survey/` folder. Copy the three files together.

Before sending anything it checks the directory as the server would: every
file must be a pipeline file, every beam needs its final CSV, every local
file must be readable; any problem names the file.

For each beam it sends the tables (final CSV and light curves, applied by
the server in one transaction), asks the server which files it already has
(sha256) and sends only the others, many files per request (`--batch-files`,
`--batch-mb`) with a few requests in flight at once (`--parallel`, default 4),
so an interrupted upload is resumed by running the same command again.
Transient failures (connection errors, HTTP 429 and 503) are retried
with exponential backoff or after the server's Retry-After; any other error
ends the upload at once with the server's message. A progress bar (files,
bytes, candidates, MB/s) goes to stderr, a summary with the rates to
stdout; any failure ends with a non-zero exit status and the reason.
"""

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import requests

# Too Many Requests and Service Unavailable say "try again later"; a 500 or
# another 4xx would only fail the same way again.
RETRY_STATUSES = {429, 503}
# Longest wait before a retry (s), whatever Retry-After asks for.
MAX_RETRY_WAIT_S = 60.0
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


class UploadError(Exception):
    """A failure that ends the upload; the message says why."""


def load_portal_module(name):
    """Import one of the portal's Django-free modules by path (no package needed)."""
    here = Path(__file__).resolve().parent
    for path in (here / f"{name}.py", here.parent / "survey" / f"{name}.py"):
        if path.is_file():
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            return module
    raise UploadError(f"{name}.py not found next to {here} or in ../survey/")


try:
    pipeline_files = load_portal_module("pipeline_files")
    columns = load_portal_module("columns")
except UploadError as exc:
    sys.exit(f"upload failed: {exc}")


def human_bytes(count):
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


class Progress:
    """A one-line progress bar on stderr: files, bytes, candidates and MB/s.

    Updated from several upload threads at once, hence the lock.
    """

    def __init__(self, total_files, total_bytes, stream=sys.stderr):
        self.total_files, self.total_bytes = total_files, total_bytes
        self.files = self.bytes = self.candidates = 0
        self.stream = stream
        self.interactive = stream.isatty()
        self.started = self.last_draw = time.monotonic()
        self.lock = threading.Lock()

    def advance(self, files, size, label="", candidates=0):
        with self.lock:
            self.files += files
            self.bytes += size
            self.candidates += candidates
            self.draw(label)

    def rate_mb_s(self):
        """Bytes dealt with so far per second since the start, in MB/s."""
        return self.bytes / 1e6 / max(time.monotonic() - self.started, 1e-9)

    def draw(self, label="", force=False):
        now = time.monotonic()
        if not force and (not self.interactive or now - self.last_draw < 0.1):
            return
        self.last_draw = now
        fraction = self.bytes / self.total_bytes if self.total_bytes else 1.0
        bar = "#" * int(fraction * 30)
        line = (
            f"[{bar:<30}] {self.files}/{self.total_files} files "
            f"{human_bytes(self.bytes)}/{human_bytes(self.total_bytes)} "
            f"{self.candidates} candidates {self.rate_mb_s():.1f} MB/s {label}"
        )
        if self.interactive:
            self.stream.write("\r" + line[:140].ljust(140))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self):
        with self.lock:
            self.draw(force=True)
            if self.interactive:
                self.stream.write("\n")


class PortalApi:
    """The portal's upload API with retries of transient failures."""

    def __init__(self, url, token, retries=5, backoff=1.0, timeout=300.0):
        self.base = url.rstrip("/") + "/api/v1/"
        self.token = token
        self.retries, self.backoff, self.timeout = retries, backoff, timeout
        self.local = threading.local()

    @property
    def session(self):
        """This thread's session: its connection is kept alive between
        requests (a `requests.Session` must not be shared by threads)."""
        session = getattr(self.local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["Authorization"] = f"Token {self.token}"
            session.headers["User-Agent"] = "candidate-portal-upload/2"
            self.local.session = session
        return session

    def call(self, method, path, expect=(200, 201), **kwargs):
        """Send a request, retrying transient failures; returns the JSON reply."""
        url = self.base + path
        for attempt in range(self.retries + 1):
            try:
                response = self.session.request(
                    method, url, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
                wait = self.backoff * 2**attempt
            else:
                if response.status_code in expect:
                    return response.status_code, response.json()
                if response.status_code not in RETRY_STATUSES:
                    outcome = "failed" if response.status_code >= 500 else "was refused"
                    raise UploadError(
                        f"{method} {url} {outcome} ({response.status_code}): "
                        f"{error_message(response)}"
                    )
                problem = f"HTTP {response.status_code}: {error_message(response)}"
                wait = retry_after(response) or self.backoff * 2**attempt
            if attempt == self.retries:
                break
            wait = min(wait, MAX_RETRY_WAIT_S)
            sys.stderr.write(
                f"\n{method} {path}: {problem}; retrying in {wait:.1f} s\n"
            )
            time.sleep(wait)
        raise UploadError(
            f"{method} {url} failed after {self.retries + 1} attempts: {problem}"
        )


def error_message(response):
    try:
        return response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200].strip() or response.reason


def retry_after(response):
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def read_local(path):
    """The bytes of a local file, or an `UploadError` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UploadError(f"{path}: cannot be read ({exc.strerror})") from exc


def walk(directory):
    """`pipeline_files.walk_directory`, its refusals as `UploadError`s."""
    try:
        return pipeline_files.walk_directory(directory)
    except pipeline_files.PipelineFileError as exc:
        raise UploadError(str(exc)) from exc


def check_final_csv_text(path):
    """Refuse a final CSV whose text cells the server would refuse (control
    characters, NUL), naming file, line and column; numbers and the column
    widths are the server's to check."""
    try:
        text = read_local(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"{path.name}: is not UTF-8 text ({exc.reason})") from exc
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader, [])]
        table = [(reader.line_num, fields) for fields in reader if fields]
    except csv.Error as exc:
        raise UploadError(
            f"{path.name}, line {reader.line_num}: is not valid CSV ({exc})"
        ) from exc
    text_columns = [
        (index, columns.COLUMNS_BY_NAME[name])
        for index, name in enumerate(header)
        if name in columns.COLUMNS_BY_NAME
        and columns.COLUMNS_BY_NAME[name].kind == "str"
    ]
    for index, column in text_columns:
        values = [
            fields[index].strip() if index < len(fields) else "" for _, fields in table
        ]
        bad = columns.first_bad_value(column, values)
        if bad:
            row, problem = bad
            raise UploadError(
                f"{path.name}, line {table[row][0]}, column '{column.name}': {problem}"
            )


def observation_start(walked):
    """DATE-OBS (UTC, ISO 8601) of the lowest beam's std FITS, or None."""
    from astropy.io import fits
    from astropy.time import Time

    for _, beam in sorted(walked.beams.items()):
        for path, pipeline_file in beam.files:
            if pipeline_file.kind != "std_fits":
                continue
            try:
                value = fits.getheader(path).get("DATE-OBS")
                if value:
                    return Time(str(value), scale="utc").isot + "Z"
            except Exception as exc:  # astropy raises many types for broken files
                raise UploadError(
                    f"{path}: is not a readable FITS file ({type(exc).__name__}: {exc})"
                ) from exc
    return None


@dataclass
class Totals:
    """What an upload did, added up from every thread."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sent: int = 0
    skipped: int = 0
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts):
        with self.lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)


def batches(files, max_files, max_bytes):
    """Split [(path, size), ...] into lists of at most `max_files` files and
    `max_bytes` bytes (a larger file goes alone)."""
    batch, batch_bytes = [], 0
    for path, size in files:
        if batch and (len(batch) >= max_files or batch_bytes + size > max_bytes):
            yield batch
            batch, batch_bytes = [], 0
        batch.append((path, size))
        batch_bytes += size
    if batch:
        yield batch


class Uploader:
    """Sends one observation: beams' tables and batches of files, a few
    requests in flight at once (`parallel`), each thread on its own kept-alive
    connection.

    The server writes the tables of one observation one beam after another
    (best-beam groups span beams), so parallel beams overlap their parsing,
    hashing and file transfers, not their database writes.
    """

    def __init__(
        self,
        api,
        observation,
        progress,
        totals,
        pause=0.0,
        batch_files=64,
        batch_bytes=16 * 1000**2,
    ):
        self.api, self.observation = api, observation
        self.progress, self.totals, self.pause = progress, totals, pause
        self.batch_files, self.batch_bytes = batch_files, batch_bytes

    def send_tables(self, index, beam):
        """Send a beam's tables, then return the batches of files to send."""
        label = f"beam {index:02d}"
        tables = {
            kind: (path.name, read_local(path)) for kind, path in beam.tables.items()
        }
        _, result = self.api.call(
            "POST", f"{self.observation}beams/{index}/tables/", files=tables
        )
        self.totals.add(
            **{key: result[key] for key in ("created", "updated", "unchanged")}
        )
        self.progress.advance(
            len(tables),
            sum(len(data) for _, data in tables.values()),
            label,
            candidates=result["candidates"],
        )
        _, state = self.api.call("GET", f"{self.observation}beams/{index}/")
        held = {stored["name"]: stored["sha256"] for stored in state["files"]}
        to_send, skipped_bytes, skipped = [], 0, 0
        for path, _ in beam.files:
            size = path.stat().st_size
            if held.get(path.name) is not None and held[path.name] == file_sha256(path):
                skipped += 1
                skipped_bytes += size
            else:
                to_send.append((path, size))
        self.totals.add(skipped=skipped)
        if skipped:
            self.progress.advance(skipped, skipped_bytes, label)
        return list(batches(to_send, self.batch_files, self.batch_bytes))

    def send_batch(self, batch):
        """Send a batch of files in one multipart request (names in the JSON
        manifest; parts named f0, f1, ... so no name needs escaping)."""
        time.sleep(self.pause)
        manifest, parts = [], []
        for number, (path, _) in enumerate(batch):
            data = read_local(path)
            part = f"f{number}"
            manifest.append(
                {
                    "part": part,
                    "name": path.name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
            parts.append((part, (part, data, "application/octet-stream")))
        self.api.call(
            "POST",
            f"{self.observation}files/batch/",
            data={"manifest": json.dumps(manifest)},
            files=parts,
        )
        size = sum(size for _, size in batch)
        self.totals.add(sent=len(batch), bytes=size)
        self.progress.advance(len(batch), size, batch[0][0].name[:40])


def file_sha256(path):
    """sha256 (hex) of a local file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as content:
            for block in iter(lambda: content.read(1024**2), b""):
                digest.update(block)
    except OSError as exc:
        raise UploadError(f"{path}: cannot be read ({exc.strerror})") from exc
    return digest.hexdigest()


def upload(
    api, directory, project, pause=0.0, parallel=4, batch_files=64, batch_mb=16.0
):
    """Upload everything the server does not have yet; returns summary figures."""
    started = time.monotonic()
    walked = walk(directory)
    sbid = walked.sbid
    for beam in walked.beams.values():
        check_final_csv_text(beam.tables[pipeline_files.FINAL_CSV])
    start_time = observation_start(walked)
    paths = walked.paths()
    progress = Progress(len(paths), sum(p.stat().st_size for p in paths))
    api.call(
        "POST",
        "observations/",
        json={"project": project, "sbid": sbid, "start_time": start_time},
    )
    totals = Totals()
    uploader = Uploader(
        api,
        f"projects/{project}/observations/{sbid}/",
        progress,
        totals,
        pause=pause,
        batch_files=batch_files,
        batch_bytes=int(batch_mb * 1000**2),
    )
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        pending = {
            pool.submit(uploader.send_tables, index, beam)
            for index, beam in sorted(walked.beams.items())
        }
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for batch in future.result() or ():
                        pending.add(pool.submit(uploader.send_batch, batch))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    progress.finish()
    return {
        "sbid": sbid,
        "beams": len(walked.beams),
        "seconds": time.monotonic() - started,
        **{
            key: getattr(totals, key)
            for key in ("created", "updated", "unchanged", "sent", "skipped", "bytes")
        },
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Upload a pipeline output directory (one observation) to a "
        "Candidate Portal; run it again to resume after a failure."
    )
    parser.add_argument("directory", type=Path, help="the observation's directory")
    parser.add_argument("--url", required=True, help="portal base URL")
    parser.add_argument(
        "--token-file", required=True, type=Path, help="file holding the upload token"
    )
    parser.add_argument("--project", required=True, help="project slug")
    parser.add_argument("--retries", type=int, default=5, help="per request")
    parser.add_argument(
        "--backoff", type=float, default=1.0, help="first retry delay (s), doubling"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="per request (s)")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="wait before each file batch (s)"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=4,
        help="requests in flight at once, each on its own kept-alive connection",
    )
    parser.add_argument(
        "--batch-files", type=int, default=64, help="most files in one request"
    )
    parser.add_argument(
        "--batch-mb", type=float, default=16.0, help="most MB of files in one request"
    )
    return parser.parse_args(argv)


def read_token(path):
    try:
        token = path.read_text().strip()
    except OSError as exc:
        raise UploadError(f"cannot read the token file: {exc}") from exc
    if not token:
        raise UploadError(f"token file {path} is empty")
    return token


def main(argv=None):
    args = parse_args(argv)
    try:
        api = PortalApi(
            args.url,
            read_token(args.token_file),
            retries=args.retries,
            backoff=args.backoff,
            timeout=args.timeout,
        )
        summary = upload(
            api,
            args.directory,
            args.project,
            pause=args.pause,
            parallel=args.parallel,
            batch_files=args.batch_files,
            batch_mb=args.batch_mb,
        )
    except UploadError as exc:
        sys.stderr.write(f"\nupload failed: {exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        sys.stderr.write("\nupload interrupted: run the same command to resume\n")
        return EXIT_INTERRUPTED
    candidates = summary["created"] + summary["updated"] + summary["unchanged"]
    seconds = max(summary["seconds"], 1e-9)
    print(
        f"{summary['sbid']} → {args.project}: {summary['beams']} beams, "
        f"{candidates} candidates ({summary['created']} new, "
        f"{summary['updated']} updated, {summary['unchanged']} unchanged), "
        f"{summary['sent']} files sent ({human_bytes(summary['bytes'])}), "
        f"{summary['skipped']} already on the server, "
        f"in {summary['seconds']:.1f} s "
        f"({candidates / seconds:.0f} candidates/s, "
        f"{summary['sent'] / seconds:.0f} files/s, "
        f"{summary['bytes'] / 1e6 / seconds:.1f} MB/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
