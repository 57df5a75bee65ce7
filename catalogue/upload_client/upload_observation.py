#!/usr/bin/env python3
"""Upload one observation's pipeline directory to a Candidate Portal.

    python upload_observation.py --url https://portal.example.org \\
        --token-file ~/.portal-token --project vast /data/SB50230

Runs on a pipeline machine without Django: it needs `requests`, `astropy`
(to read DATE-OBS) and the portal's `pipeline_files.py` (the file-name
rules), found next to this script or one folder up, as in the portal's
`catalogue/` folder. Copy both files together.

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
import hashlib
import importlib.util
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


def load_pipeline_files():
    """Import `pipeline_files.py` by path (no Django, no package needed)."""
    here = Path(__file__).resolve().parent
    candidates = (
        here / "pipeline_files.py",
        here.parent / "survey" / "pipeline_files.py",
    )
    for path in candidates:
        if path.is_file():
            spec = importlib.util.spec_from_file_location("pipeline_files", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            return module
    raise UploadError(f"pipeline_files.py not found next to {here} or in ../survey/")


try:
    pipeline_files = load_pipeline_files()
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


def scan_directory(directory):
    """Group a pipeline directory's files by beam.

    Returns (sbid, {beam: {"tables": {kind: path}, "files": [path]}}, ignored).
    """
    if not directory.is_dir():
        raise UploadError(f"{directory} is not a directory")
    beams, ignored, sbids = {}, [], set()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        classified = pipeline_files.classify(path.name)
        if classified is None:
            ignored.append(path.name)
            continue
        sbids.add(classified.sbid)
        beam = beams.setdefault(classified.beam_index, {"tables": {}, "files": []})
        if classified.target == "table":
            beam["tables"][classified.kind] = path
        else:
            beam["files"].append(path)
    if len(sbids) > 1:
        raise UploadError(f"{directory} mixes observations: {', '.join(sorted(sbids))}")
    for index, beam in sorted(beams.items()):
        if pipeline_files.FINAL_CSV not in beam["tables"]:
            raise UploadError(f"beam {index:02d} has no _final.csv in {directory}")
    if not beams:
        raise UploadError(f"{directory} holds no pipeline files")
    return sbids.pop(), beams, ignored


def observation_start(beams):
    """DATE-OBS (UTC, ISO 8601) of the lowest beam's std FITS, or None."""
    from astropy.io import fits
    from astropy.time import Time

    for _, beam in sorted(beams.items()):
        for path in beam["files"]:
            if path.name.endswith("_std.fits"):
                value = fits.getheader(path).get("DATE-OBS")
                if value:
                    return Time(str(value), scale="utc").isot + "Z"
    return None


def upload(api, directory, project, pause=0.0):
    """Upload everything the server does not have yet; returns summary figures."""
    started = time.monotonic()
    sbid, beams, ignored = scan_directory(directory)
    paths = [p for b in beams.values() for p in [*b["tables"].values(), *b["files"]]]
    progress = Progress(len(paths), sum(p.stat().st_size for p in paths))
    api.call(
        "POST",
        "observations/",
        json={"project": project, "sbid": sbid, "start_time": observation_start(beams)},
    )
    observation = f"projects/{project}/observations/{sbid}/"
    totals = dict.fromkeys(
        ("created", "updated", "unchanged", "sent", "skipped", "bytes"), 0
    )
    for index, beam in sorted(beams.items()):
        label = f"beam {index:02d}"
        tables = {
            kind: (path.name, path.read_bytes())
            for kind, path in beam["tables"].items()
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
        for path in beam["files"]:
            data = path.read_bytes()
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
        "beams": len(beams),
        "ignored": len(ignored),
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
        f"{summary['ignored']} ignored, in {summary['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
