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
(sha256) and sends only the others, so an interrupted upload is resumed by
running the same command again. Transient failures (connection errors, HTTP
429 and 503) are retried with exponential backoff or after the server's
Retry-After; any other error ends the upload at once with the server's
message. A progress bar (files and bytes) goes to stderr, a summary to
stdout; any failure ends with a non-zero exit status and the reason.
"""

import argparse
import csv
import hashlib
import importlib.util
import io
import sys
import time
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
    """A one-line progress bar of files and bytes on stderr."""

    def __init__(self, total_files, total_bytes, stream=sys.stderr):
        self.total_files, self.total_bytes = total_files, total_bytes
        self.files = self.bytes = 0
        self.stream = stream
        self.interactive = stream.isatty()
        self.last_draw = 0.0

    def advance(self, files, size, label=""):
        self.files += files
        self.bytes += size
        self.draw(label)

    def draw(self, label="", force=False):
        now = time.monotonic()
        if not force and self.interactive and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        fraction = self.bytes / self.total_bytes if self.total_bytes else 1.0
        bar = "#" * int(fraction * 30)
        line = (
            f"[{bar:<30}] {self.files}/{self.total_files} files "
            f"{human_bytes(self.bytes)}/{human_bytes(self.total_bytes)} {label}"
        )
        if self.interactive:
            self.stream.write("\r" + line[:120].ljust(120))
        elif force:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self):
        self.draw(force=True)
        if self.interactive:
            self.stream.write("\n")


class PortalApi:
    """The portal's upload API with retries of transient failures."""

    def __init__(self, url, token, retries=5, backoff=1.0, timeout=300.0):
        self.base = url.rstrip("/") + "/api/v1/"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.session.headers["User-Agent"] = "candidate-portal-upload/1"
        self.retries, self.backoff, self.timeout = retries, backoff, timeout

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


def upload(api, directory, project, pause=0.0):
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
    observation = f"projects/{project}/observations/{sbid}/"
    totals = dict.fromkeys(
        ("created", "updated", "unchanged", "sent", "skipped", "bytes"), 0
    )
    for index, beam in sorted(walked.beams.items()):
        label = f"beam {index:02d}"
        tables = {
            kind: (path.name, read_local(path)) for kind, path in beam.tables.items()
        }
        _, result = api.call(
            "POST", f"{observation}beams/{index}/tables/", files=tables
        )
        for key in ("created", "updated", "unchanged"):
            totals[key] += result[key]
        progress.advance(
            len(tables), sum(len(data) for _, data in tables.values()), label
        )
        _, state = api.call("GET", f"{observation}beams/{index}/")
        held = {stored["name"]: stored["sha256"] for stored in state["files"]}
        for path, _ in beam.files:
            data = read_local(path)
            digest = hashlib.sha256(data).hexdigest()
            if held.get(path.name) == digest:
                totals["skipped"] += 1
            else:
                time.sleep(pause)
                api.call(
                    "POST",
                    f"{observation}files/",
                    data={"name": path.name, "sha256": digest},
                    files={"file": (path.name, data)},
                )
                totals["sent"] += 1
                totals["bytes"] += len(data)
            progress.advance(1, len(data), label)
        progress.draw(label, force=True)
    progress.finish()
    return {
        "sbid": sbid,
        "beams": len(walked.beams),
        "seconds": time.monotonic() - started,
        **totals,
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
        "--pause", type=float, default=0.0, help="wait before each file upload (s)"
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
        summary = upload(api, args.directory, args.project, pause=args.pause)
    except UploadError as exc:
        sys.stderr.write(f"\nupload failed: {exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        sys.stderr.write("\nupload interrupted: run the same command to resume\n")
        return EXIT_INTERRUPTED
    candidates = summary["created"] + summary["updated"] + summary["unchanged"]
    print(
        f"{summary['sbid']} → {args.project}: {summary['beams']} beams, "
        f"{candidates} candidates ({summary['created']} new, "
        f"{summary['updated']} updated, {summary['unchanged']} unchanged), "
        f"{summary['sent']} files sent ({human_bytes(summary['bytes'])}), "
        f"{summary['skipped']} already on the server, "
        f"in {summary['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
