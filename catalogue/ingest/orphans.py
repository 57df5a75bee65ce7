"""Find and remove what a killed upload or ingest can leave behind.

A file is stored before its row commits (the row never points at a file the
disk does not hold), so a worker killed in between leaves a file with no
row; a killed request also leaves its received parts in `.incoming/`. Rows
whose file has gone (deleted by hand, a lost disk) are the opposite case.

`find_orphans` lists all three; `remove_orphans` deletes the files and the
rows: a row without its file is deleted so the upload client, which asks
which files the server holds, sends that file again on its next run.
Only local media storage is checked, and only the folder of survey files
(`surveys/`) and `.incoming/`: other media (Wagtail images) are left alone.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.ingest.files import SURVEY_FILES_FOLDER
from catalogue.ingest.incoming import INCOMING_FOLDER, has_local_path
from catalogue.survey.models import BeamFile, CandidateFile

# Parts younger than this (s) may belong to a request still being received.
DEFAULT_INCOMING_AGE_S = 3600


@dataclass
class Orphans:
    """Storage names of files without rows and parts left in `.incoming/`;
    (model, id, name) of rows without files."""

    files: list = field(default_factory=list)
    incoming: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.files or self.incoming or self.rows)


def _storage():
    storage = BeamFile._meta.get_field("file").storage
    if not has_local_path(storage):
        raise ValueError("media storage is not local: orphans are not checked")
    return storage


def find_orphans(incoming_age_s=DEFAULT_INCOMING_AGE_S, now=None):
    """Everything a kill may have left, as `Orphans`."""
    storage = _storage()
    root = Path(storage.path(""))
    known = set()
    orphans = Orphans()
    for model in (BeamFile, CandidateFile):
        for pk, name in model.objects.values_list("pk", "file").iterator(5000):
            known.add(name)
            if not Path(storage.path(name)).is_file():
                orphans.rows.append((model, pk, name))
    surveys = root / SURVEY_FILES_FOLDER
    if surveys.is_dir():
        for path in sorted(surveys.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and name not in known:
                orphans.files.append(name)
    incoming = root / INCOMING_FOLDER
    cutoff = (now or time.time()) - incoming_age_s
    if incoming.is_dir():
        orphans.incoming = sorted(
            path.relative_to(root).as_posix()
            for path in incoming.iterdir()
            if path.is_file() and path.stat().st_mtime < cutoff
        )
    return orphans


def remove_orphans(orphans):
    """Delete the orphaned files and rows found by `find_orphans`."""
    storage = _storage()
    for name in [*orphans.files, *orphans.incoming]:
        storage.delete(name)
    for model in (BeamFile, CandidateFile):
        ids = [pk for row_model, pk, _ in orphans.rows if row_model is model]
        model.objects.filter(pk__in=ids).delete()
