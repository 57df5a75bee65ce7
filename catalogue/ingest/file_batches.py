"""Store many received beam and candidate files of one observation at once.

The bulk half of the ingest service, for the upload API: the files arrive
already on disk (`catalogue.ingest.incoming`, hashed while streamed), so
here every file of a batch is matched to its beam or candidate and checked
(FITS by its headers only) before anything is stored; then the new files are
linked into media storage and flushed, and only then their rows are written
in one transaction. A bad file refuses the whole batch with nothing stored;
a file whose content (sha256) is already stored is left alone.

Queries do not grow with the batch: one each for the beams, the candidates,
the stored rows, and the writes.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from catalogue.ingest.errors import IngestError
from catalogue.ingest.files import (
    beam_storage_name,
    candidate_storage_name,
    check_content,
    remember_new_file,
)
from catalogue.ingest.incoming import make_durable, place_file
from catalogue.survey.models import Beam, BeamFile, Candidate, CandidateFile
from catalogue.survey.signals import delete_file_after_commit


@dataclass
class ReceivedFile:
    """One file of a batch: its pipeline name and `PipelineFile`, where it
    lies on disk, its size (bytes) and sha256 (hex)."""

    name: str
    pipeline_file: object
    path: Path
    size: int
    sha256: str


@dataclass
class BatchResult:
    """Per file: stored (new or changed) or unchanged; and the DATE-OBS read."""

    stored: list
    unchanged: list
    bytes_stored: int = 0


class NotFoundInObservation(IngestError):
    """A file for a beam or candidate the observation does not hold."""


def _owners(observation, received):
    """({beam index: Beam}, {(beam index, name): Candidate}) for the batch."""
    indices = {item.pipeline_file.beam_index for item in received}
    beams = {
        beam.index: beam
        for beam in Beam.objects.filter(observation=observation, index__in=indices)
    }
    for beam in beams.values():
        beam.observation = observation
    names = {
        item.pipeline_file.candidate_name
        for item in received
        if item.pipeline_file.target == "candidate"
    }
    candidates = {}
    if names:
        for candidate in Candidate.objects.filter(
            observation=observation, beam__index__in=indices, name__in=names
        ).only("id", "name", "beam_id"):
            beam = next(b for b in beams.values() if b.id == candidate.beam_id)
            candidate.beam = beam
            candidates[(beam.index, candidate.name)] = candidate
    return beams, candidates


def _owner_of(item, beams, candidates, observation):
    pipeline_file = item.pipeline_file
    beam = beams.get(pipeline_file.beam_index)
    if beam is None:
        raise NotFoundInObservation(
            f"beam {pipeline_file.beam_index:02d} of {observation.sbid} does not "
            "exist (send its tables first)",
            item.name,
        )
    if pipeline_file.target == "beam":
        return beam
    candidate = candidates.get((beam.index, pipeline_file.candidate_name))
    if candidate is None:
        raise NotFoundInObservation(
            f"candidate '{pipeline_file.candidate_name}' is not in beam "
            f"{beam.index:02d} of {observation.sbid}",
            item.name,
        )
    return candidate


def _existing_rows(beams, candidates):
    """{(model, owner id, kind): row} of the files already stored for the owners."""
    rows = {}
    for row in BeamFile.objects.filter(beam__in=list(beams.values())):
        rows[(BeamFile, row.beam_id, row.kind)] = row
    if candidates:
        for row in CandidateFile.objects.filter(
            candidate__in=list(candidates.values())
        ):
            rows[(CandidateFile, row.candidate_id, row.kind)] = row
    return rows


def _check_all(observation, received):
    """Match and check every file; [(item, model, owner, DATE-OBS)] in order."""
    beams, candidates = _owners(observation, received)
    checked, seen = [], {}
    for item in received:
        owner = _owner_of(item, beams, candidates, observation)
        key = (type(owner), owner.pk, item.pipeline_file.kind)
        if key in seen:
            raise IngestError(
                f"is sent twice in one request (also {seen[key]})", item.name
            )
        seen[key] = item.name
        with open(item.path, "rb") as content:
            date_obs = check_content(
                content,
                item.pipeline_file.kind,
                item.name,
                item.size,
                read_date_obs=item.pipeline_file.kind == "std_fits",
            )
        model = BeamFile if isinstance(owner, Beam) else CandidateFile
        checked.append((item, model, owner, date_obs))
    return checked, _existing_rows(beams, candidates)


def _storage_name(owner, kind):
    if isinstance(owner, Beam):
        return beam_storage_name(owner, kind)
    return candidate_storage_name(owner, kind)


def store_file_batch(observation, received):
    """Check, store and record a batch of received files; returns `BatchResult`
    and the DATE-OBS of the batch's std FITS by beam index ({index: datetime}).

    Raises `IngestError` (nothing stored) if any file is refused. Call it
    inside `removing_new_files_on_failure()` and a transaction, as
    `catalogue.ingest.service.ingest_file_batch` does, so the rows commit
    with everything else of the request or the new files go again.
    """
    checked, existing = _check_all(observation, received)
    storage = BeamFile._meta.get_field("file").storage
    result = BatchResult(stored=[], unchanged=[])
    placed, to_create, to_update, replaced = [], [], [], []
    dates = {}
    try:
        for item, model, owner, date_obs in checked:
            if date_obs is not None:
                dates[item.pipeline_file.beam_index] = date_obs
            owner_field = "beam" if model is BeamFile else "candidate"
            row = existing.get((model, owner.pk, item.pipeline_file.kind))
            if (
                row is not None
                and row.sha256 == item.sha256
                and storage.exists(row.file.name)
            ):
                result.unchanged.append(item)
                continue
            name = place_file(
                storage, _storage_name(owner, item.pipeline_file.kind), item.path
            )
            placed.append(name)
            remember_new_file(storage, name)
            if row is None:
                row = model(**{owner_field: owner, "kind": item.pipeline_file.kind})
                to_create.append(row)
            else:
                replaced.append(row.file.name)
                to_update.append(row)
            row.file.name = name
            row.size, row.sha256 = item.size, item.sha256
            row.uploaded_at = timezone.now()
            result.stored.append(item)
            result.bytes_stored += item.size
        make_durable(storage, placed)
        with transaction.atomic():
            for model in (BeamFile, CandidateFile):
                model.objects.bulk_create([r for r in to_create if type(r) is model])
                model.objects.bulk_update(
                    [r for r in to_update if type(r) is model],
                    ["file", "size", "sha256", "uploaded_at"],
                )
            for old_name in replaced:
                if old_name not in placed:
                    delete_file_after_commit(storage, old_name)
    except BaseException:
        for name in placed:
            storage.delete(name)
        raise
    return result, dates
