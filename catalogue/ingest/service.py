"""The one ingest service behind every way in.

`manage.py ingest_observation`, the HTTP API and (through the API) the
upload client all call these functions:

- `prepare_beam_tables` parses and validates one beam's CSVs (no writes);
- `write_beam_tables` applies them in one transaction (all rows or none);
- `validate_file` / `store_file` check and store one beam or candidate file;
- `ingest_directory` does all of it for a pipeline directory, validating
  every table and file before the first write, and writing in one
  transaction (everything or nothing, stored files included).

Every step is idempotent: the same input again changes nothing.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue.ingest.beam_tables import write_beam_tables
from catalogue.ingest.csv_tables import parse_final_csv
from catalogue.ingest.errors import IngestError
from catalogue.ingest.file_batches import store_file_batch
from catalogue.ingest.files import (
    check_content,
    removing_new_files_on_failure,
    store_beam_file,
    store_candidate_file,
    validate_content,
)
from catalogue.ingest.lightcurve_tables import parse_lightcurves
from catalogue.survey.best_beam import recompute_best_beams
from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    Observation,
    Project,
    Upload,
)
from catalogue.survey.pipeline_files import (
    FINAL_CSV,
    LIGHTCURVE_PEAK_CSV,
    LIGHTCURVE_RMS_CSV,
    SBID_PATTERN,
    PipelineFileError,
    walk_directory,
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


def _check_length(model, field_name, value, what, filename=""):
    max_length = model._meta.get_field(field_name).max_length
    if len(value) > max_length:
        raise IngestError(
            f"{what} '{value[:40]}...' is {len(value)} characters long; "
            f"at most {max_length} are allowed",
            filename,
        )


def validate_project_slug(project_slug):
    if not project_slug or slugify(project_slug) != project_slug:
        raise IngestError(
            f"'{project_slug}' is not a valid project slug (use a-z, 0-9, -)"
        )
    _check_length(Project, "slug", project_slug, "project slug")
    return project_slug


def validate_sbid(sbid, filename=""):
    """An SBID the `Observation` table can hold; `filename` is where it was read."""
    if not re.fullmatch(SBID_PATTERN, sbid or ""):
        raise IngestError(
            f"'{sbid}' is not a valid SBID (expected e.g. SB50230)", filename
        )
    _check_length(Observation, "sbid", sbid, "SBID", filename)
    return sbid


def get_or_create_observation(project_slug, sbid, start_time=None):
    """Create-or-update the project and observation; returns the Observation."""
    validate_project_slug(project_slug)
    validate_sbid(sbid)
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


def walk_pipeline_directory(directory):
    """`walk_directory` with its refusals as `IngestError`s."""
    try:
        return walk_directory(directory)
    except PipelineFileError as exc:
        raise IngestError(exc.message, exc.filename) from exc


def _read(path):
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot be read ({exc.strerror})", path.name) from exc


def _optional_table(beam, kind):
    """(content, name) of one of a beam's optional tables, or (None, "")."""
    path = beam.tables.get(kind)
    return (_read(path), path.name) if path else (None, "")


def _prepare_directory(walked):
    """Parse every table and validate every file; nothing is written here.

    Returns ({beam index: BeamTables}, {path: FileCheck}).
    """
    prepared, checks = {}, {}
    for beam_index, beam in sorted(walked.beams.items()):
        final = beam.tables[FINAL_CSV]
        validate_sbid(walked.sbid, final.name)
        tables = prepare_beam_tables(
            beam_index,
            _read(final),
            final.name,
            *_optional_table(beam, LIGHTCURVE_PEAK_CSV),
            *_optional_table(beam, LIGHTCURVE_RMS_CSV),
        )
        prepared[beam_index] = tables
        names = {row["name"] for row in tables.rows}
        for path, pipeline_file in beam.files:
            checks[path] = validate_file(pipeline_file, _read(path), path.name, names)
    return prepared, checks


def _observation_start(walked, checks):
    """DATE-OBS of the lowest-numbered beam's std FITS, if any."""
    for _, beam in sorted(walked.beams.items()):
        for path, pipeline_file in beam.files:
            if pipeline_file.kind == "std_fits" and checks[path].date_obs is not None:
                return checks[path].date_obs
    return None


def ingest_directory(
    directory, project_slug, user=None, via=Upload.Via.COMMAND, progress=None
):
    """Ingest a pipeline output directory for one observation, all or nothing.

    Validates everything first (raising `IngestError` with nothing written),
    then writes every beam's rows, stores the files, recomputes best beams
    and records the upload in one transaction: a failure on the way leaves
    the database and media storage as they were, and running it again
    completes the job. `progress(message)` is called as work proceeds.
    """
    started = time.perf_counter()
    report = progress or (lambda message: None)
    validate_project_slug(project_slug)
    walked = walk_pipeline_directory(directory)
    prepared, checks = _prepare_directory(walked)
    summary = IngestSummary()
    with removing_new_files_on_failure(), transaction.atomic():
        observation = get_or_create_observation(
            project_slug, walked.sbid, _observation_start(walked, checks)
        )
        lock_observation(observation)
        for beam_index, tables in prepared.items():
            summary.add_beam(write_beam_tables(observation, tables))
            report(f"beam {beam_index:02d}: {len(tables.rows)} candidates")
        for beam_index, beam in sorted(walked.beams.items()):
            for path, pipeline_file in beam.files:
                check = checks[path]
                written = store_file(
                    observation, pipeline_file, _read(path), check, path.name
                )
                summary.files_stored += written
                summary.files_unchanged += not written
                summary.bytes_stored += check.size if written else 0
            report(f"beam {beam_index:02d}: {len(beam.files)} files checked")
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


def lock_observation(observation):
    """Hold the observation's row until the transaction ends.

    Best-beam groups span beams: two beams regrouped at once would each
    miss the other's new rows (and could deadlock on each other's flags),
    so every regrouping of an observation takes this lock first and they
    follow one another. The lock is `FOR NO KEY UPDATE`, which does not
    wait for the key-share locks that inserting candidates (foreign keys
    to the observation) takes: other beams' new rows go in meanwhile.
    """
    list(
        Observation.objects.select_for_update(no_key=True)
        .filter(pk=observation.pk)
        .values("pk")
    )


def ingest_beam_tables(observation, tables, user=None, via=Upload.Via.API):
    """Write one beam's tables, refresh best beams and record the upload.

    All in one transaction: the beam's rows, the best-beam flags and the
    `Upload` row are committed together or not at all. Beams of one
    observation sent at once regroup one after the other
    (`lock_observation`), each after the other has committed, so each sees
    the other's rows. A new beam's rows are only inserted, which no other
    request can see or lock, so they are written before the lock is taken
    and new beams are parsed and written in parallel; a beam that already
    has rows takes the lock before changing any of them (an other beam's
    regrouping may be changing their flags).
    """
    with transaction.atomic():
        result = write_beam_tables(
            observation, tables, before_changing=lambda: lock_observation(observation)
        )
        lock_observation(observation)
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
    with removing_new_files_on_failure(), transaction.atomic():
        written = store_file(observation, pipeline_file, data, check, filename)
        if written and check.date_obs is not None:
            apply_std_fits_start(
                observation, {pipeline_file.beam_index: check.date_obs}
            )
        if written:
            record_upload(observation, user, via, files=1)
    return check, written


def apply_std_fits_start(observation, dates_by_beam):
    """Set the observation start from std FITS DATE-OBS, as the command does.

    `dates_by_beam` maps beam index → DATE-OBS of std FITS just stored. The
    start is the DATE-OBS of the lowest-numbered beam holding a std FITS,
    so a beam below every stored one decides; a higher beam only fills an
    empty start.
    """
    if not dates_by_beam:
        return
    lowest = min(dates_by_beam)
    lower_exists = BeamFile.objects.filter(
        beam__observation=observation, kind="std_fits", beam__index__lt=lowest
    ).exists()
    if lower_exists and observation.start_time is not None:
        return
    start = dates_by_beam[lowest]
    if observation.start_time != start:
        observation.start_time = start
        observation.save(update_fields=["start_time"])


def std_fits_start(observation):
    """DATE-OBS the server holds for the observation start: that of the
    lowest-numbered beam's stored std FITS, read from its header; None when
    no std FITS is stored yet."""
    stored = (
        BeamFile.objects.filter(beam__observation=observation, kind="std_fits")
        .order_by("beam__index")
        .first()
    )
    if stored is None:
        return None
    with stored.file.open("rb") as content:
        return check_content(
            content, "std_fits", stored.filename, stored.size, read_date_obs=True
        )


def check_client_start(observation, start_time):
    """Refuse a client-sent start that disagrees with the server's std FITS.

    The server reads DATE-OBS itself; a client value is only a cross-check
    (or a placeholder until the std FITS arrives, which then decides).
    """
    if start_time is None or observation is None:
        return
    held = std_fits_start(observation)
    if held is not None and held != start_time:
        raise IngestError(
            f"start_time {start_time.isoformat()} disagrees with DATE-OBS "
            f"{held.isoformat()} of the stored std FITS of {observation.sbid}; "
            "the observation start is read from that file"
        )


def ingest_file_batch(observation, received, user=None, via=Upload.Via.API):
    """Check and store a batch of received files (`store_file_batch`), set
    the observation start from a std FITS among them and record the upload;
    all or nothing. Returns the `BatchResult`."""
    with removing_new_files_on_failure(), transaction.atomic():
        result, dates = store_file_batch(observation, received)
        apply_std_fits_start(observation, dates)
        record_upload(observation, user, via, files=len(result.stored))
    return result
