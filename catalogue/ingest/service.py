"""The one ingest service behind every way in (SPEC §4).

`manage.py ingest_observation`, the HTTP API and (through the API) the
upload client all call these functions:

- `prepare_beam_tables` parses and validates one beam's CSVs (no writes);
- `write_beam_tables` applies them in one transaction (all rows or none);
- `validate_file` / `store_file` check and store one beam or candidate file;
- `ingest_directory` does all of it for a pipeline directory, validating
  every table and file before the first write.

Every step is idempotent: the same input again changes nothing.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue.ingest.beam_tables import write_beam_tables
from catalogue.ingest.csv_tables import parse_final_csv, parse_lightcurves
from catalogue.ingest.errors import IngestError
from catalogue.ingest.files import (
    store_beam_file,
    store_candidate_file,
    validate_content,
)
from catalogue.survey.best_beam import recompute_best_beams
from catalogue.survey.models import Beam, Candidate, Observation, Project, Upload
from catalogue.survey.pipeline_files import (
    FINAL_CSV,
    LIGHTCURVE_PEAK_CSV,
    LIGHTCURVE_RMS_CSV,
    SBID_PATTERN,
    classify,
)

# API requests of one user for one observation within this time of the first
# one count as one upload (one `Upload` row), however many requests it takes.
UPLOAD_SESSION = timedelta(hours=2)


@dataclass
class BeamTables:
    """One beam's parsed final CSV rows and light curves, ready to write."""

    beam_index: int
    rows: list
    lightcurves: dict


@dataclass
class IngestSummary:
    """What an ingest did: counts of rows and files, bytes and seconds."""

    beams: int = 0
    candidates_created: int = 0
    candidates_updated: int = 0
    candidates_unchanged: int = 0
    files_stored: int = 0
    files_unchanged: int = 0
    bytes_stored: int = 0
    seconds: float = 0.0
    ignored_files: list = field(default_factory=list)

    @property
    def candidates(self):
        return (
            self.candidates_created
            + self.candidates_updated
            + self.candidates_unchanged
        )

    @property
    def changed_anything(self):
        return bool(
            self.candidates_created or self.candidates_updated or self.files_stored
        )

    def add_beam(self, result):
        self.beams += 1
        self.candidates_created += result["created"]
        self.candidates_updated += result["updated"]
        self.candidates_unchanged += result["unchanged"]


def validate_project_slug(project_slug):
    if not project_slug or slugify(project_slug) != project_slug:
        raise IngestError(
            f"'{project_slug}' is not a valid project slug (use a-z, 0-9, -)"
        )
    return project_slug


def get_or_create_observation(project_slug, sbid, start_time=None):
    """Create-or-update the project and observation; returns the Observation."""
    validate_project_slug(project_slug)
    if not re.fullmatch(SBID_PATTERN, sbid or ""):
        raise IngestError(f"'{sbid}' is not a valid SBID (expected e.g. SB50230)")
    project, _ = Project.objects.get_or_create(
        slug=project_slug, defaults={"name": project_slug}
    )
    observation, _ = Observation.objects.get_or_create(project=project, sbid=sbid)
    if start_time is not None and observation.start_time != start_time:
        observation.start_time = start_time
        observation.save(update_fields=["start_time"])
    return observation


def prepare_beam_tables(
    beam_index,
    final_csv,
    final_name,
    peak_csv=None,
    peak_name="",
    rms_csv=None,
    rms_name="",
):
    """Parse and validate one beam's tables; raises `IngestError`, writes nothing."""
    if not 0 <= beam_index <= 35:
        raise IngestError(f"beam index {beam_index} is outside 0–35", final_name)
    rows = parse_final_csv(final_csv, final_name)
    names = {row["name"] for row in rows}
    lightcurves = parse_lightcurves(peak_csv, peak_name, rms_csv, rms_name, names)
    return BeamTables(beam_index=beam_index, rows=rows, lightcurves=lightcurves)


def validate_file(pipeline_file, data, filename, known_candidate_names=None):
    """Validate one beam/candidate file's content; returns its `FileCheck`."""
    if pipeline_file.target == "candidate" and known_candidate_names is not None:
        if pipeline_file.candidate_name not in known_candidate_names:
            raise IngestError(
                f"candidate '{pipeline_file.candidate_name}' is not in beam "
                f"{pipeline_file.beam_index:02d}'s final CSV",
                filename,
            )
    return validate_content(
        data,
        pipeline_file.kind,
        filename,
        read_date_obs=pipeline_file.kind == "std_fits",
    )


def store_file(observation, pipeline_file, data, check, filename):
    """Store a validated file under its beam or candidate; True if written."""
    beam = Beam.objects.filter(
        observation=observation, index=pipeline_file.beam_index
    ).first()
    if beam is None:
        raise IngestError(
            f"beam {pipeline_file.beam_index:02d} of {observation.sbid} "
            "has no tables yet",
            filename,
        )
    if pipeline_file.target == "beam":
        return store_beam_file(beam, pipeline_file.kind, data, check)
    candidate = Candidate.objects.filter(
        beam=beam, name=pipeline_file.candidate_name
    ).first()
    if candidate is None:
        raise IngestError(
            f"candidate '{pipeline_file.candidate_name}' does not exist in beam "
            f"{pipeline_file.beam_index:02d}",
            filename,
        )
    return store_candidate_file(candidate, pipeline_file.kind, data, check)


def scan_directory(directory):
    """Classify the files of a pipeline directory.

    Returns (sbid, {path: PipelineFile}, ignored names). Raises when the
    directory is missing, mixes SBIDs or has no `_final.csv`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise IngestError(f"{directory} is not a directory")
    classified, ignored = {}, []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        pipeline_file = classify(path.name)
        if pipeline_file is None:
            ignored.append(path.name)
        else:
            classified[path] = pipeline_file
    sbids = sorted({pf.sbid for pf in classified.values()})
    if len(sbids) > 1:
        raise IngestError(f"{directory} mixes observations: {', '.join(sbids)}")
    if not any(pf.kind == FINAL_CSV for pf in classified.values()):
        raise IngestError(f"{directory} has no <SBID>_beam<NN>_final.csv file")
    return sbids[0], classified, ignored


def _prepare_directory(classified):
    """Parse every table and validate every file; nothing is written here."""
    tables_by_beam = {}
    for path, pf in classified.items():
        if pf.target == "table":
            tables_by_beam.setdefault(pf.beam_index, {})[pf.kind] = path
    prepared = {}
    for beam_index, paths in sorted(tables_by_beam.items()):
        if FINAL_CSV not in paths:
            orphan = next(iter(paths.values()))
            raise IngestError(f"beam {beam_index:02d} has no _final.csv", orphan.name)
        peak, rms = paths.get(LIGHTCURVE_PEAK_CSV), paths.get(LIGHTCURVE_RMS_CSV)
        prepared[beam_index] = prepare_beam_tables(
            beam_index,
            paths[FINAL_CSV].read_bytes(),
            paths[FINAL_CSV].name,
            peak.read_bytes() if peak else None,
            peak.name if peak else "",
            rms.read_bytes() if rms else None,
            rms.name if rms else "",
        )
    checks = {}
    for path, pf in classified.items():
        if pf.target == "table":
            continue
        if pf.beam_index not in prepared:
            raise IngestError(f"beam {pf.beam_index:02d} has no _final.csv", path.name)
        names = {row["name"] for row in prepared[pf.beam_index].rows}
        checks[path] = validate_file(pf, path.read_bytes(), path.name, names)
    return prepared, checks


def _observation_start(classified, checks):
    """DATE-OBS of the lowest-numbered beam's std FITS, if any."""
    stds = sorted(
        (pf.beam_index, path)
        for path, pf in classified.items()
        if pf.kind == "std_fits"
    )
    for _, path in stds:
        if checks[path].date_obs is not None:
            return checks[path].date_obs
    return None


def ingest_directory(
    directory, project_slug, user=None, via=Upload.Via.COMMAND, progress=None
):
    """Ingest a pipeline output directory for one observation.

    Validates everything first (raising `IngestError` with nothing written),
    then writes each beam in its own transaction, stores the files and
    recomputes best beams. `progress(message)` is called as work proceeds.
    """
    started = time.perf_counter()
    report = progress or (lambda message: None)
    validate_project_slug(project_slug)
    sbid, classified, ignored = scan_directory(directory)
    prepared, checks = _prepare_directory(classified)
    observation = get_or_create_observation(
        project_slug, sbid, _observation_start(classified, checks)
    )
    summary = IngestSummary(ignored_files=ignored)
    for beam_index, tables in prepared.items():
        summary.add_beam(write_beam_tables(observation, tables))
        report(f"beam {beam_index:02d}: {len(tables.rows)} candidates")
    by_beam = {}
    for path, check in checks.items():
        by_beam.setdefault(classified[path].beam_index, []).append((path, check))
    for beam_index, files in sorted(by_beam.items()):
        with transaction.atomic():
            for path, check in files:
                written = store_file(
                    observation, classified[path], path.read_bytes(), check, path.name
                )
                summary.files_stored += written
                summary.files_unchanged += not written
                summary.bytes_stored += check.size if written else 0
        report(f"beam {beam_index:02d}: {len(files)} files checked")
    recompute_best_beams(observation)
    if summary.changed_anything:
        record_upload(
            observation,
            user,
            via,
            beams=summary.beams,
            candidates=summary.candidates_created + summary.candidates_updated,
            files=summary.files_stored,
        )
    summary.seconds = time.perf_counter() - started
    return summary


def record_upload(observation, user, via, beams=0, candidates=0, files=0):
    """Record who changed what in `observation`; no row when nothing changed.

    The many requests of one API upload add up in one `Upload` row: a
    request within `UPLOAD_SESSION` of the start of the same user's last API
    upload of the same observation is counted into that row.
    """
    if not (beams or candidates or files):
        return None
    if via == Upload.Via.API:
        recent = (
            Upload.objects.select_for_update()
            .filter(
                observation=observation,
                user=user,
                via=via,
                created_at__gte=timezone.now() - UPLOAD_SESSION,
            )
            .first()
        )
        if recent is not None:
            recent.beams += beams
            recent.candidates += candidates
            recent.files += files
            recent.save(update_fields=["beams", "candidates", "files"])
            return recent
    return Upload.objects.create(
        observation=observation,
        user=user,
        via=via,
        beams=beams,
        candidates=candidates,
        files=files,
    )


def ingest_beam_tables(observation, tables, user=None, via=Upload.Via.API):
    """Write one beam's tables, refresh best beams and record the upload.

    All in one transaction: the beam's rows, the best-beam flags and the
    `Upload` row are committed together or not at all.
    """
    with transaction.atomic():
        result = write_beam_tables(observation, tables)
        changed = result["created"] + result["updated"]
        if changed:
            recompute_best_beams(observation, result["changed_positions"])
        record_upload(
            observation, user, via, beams=int(bool(changed)), candidates=changed
        )
    return result


def ingest_file(
    observation, pipeline_file, data, filename, user=None, via=Upload.Via.API
):
    """Validate and store one beam or candidate file; returns (FileCheck, written).

    Candidate files must name a candidate already in the beam. Raises
    `IngestError` (nothing stored) on bad content.
    """
    known = None
    if pipeline_file.target == "candidate":
        known = set(
            Candidate.objects.filter(
                observation=observation, beam__index=pipeline_file.beam_index
            ).values_list("name", flat=True)
        )
    check = validate_file(pipeline_file, data, filename, known)
    with transaction.atomic():
        written = store_file(observation, pipeline_file, data, check, filename)
        if written:
            record_upload(observation, user, via, files=1)
    return check, written
