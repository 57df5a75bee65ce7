"""Signals of the survey data: stored files removed once their rows are gone,
and `candidates_changed` for whatever summarises the candidate table.

Deletion waits for the transaction to commit, so a rolled-back delete (or a
rolled-back ingest that replaced a file) never loses data. Django's deletion
collector sends `post_delete` for cascaded rows too, so deleting a project or
an observation removes every file below it.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from catalogue.survey.models import BeamFile, Candidate, CandidateFile

# Sent (sender=Candidate) once a transaction that wrote candidates commits.
# Ingest writes rows in bulk (COPY, bulk_update), which sends no model
# signals; pages that cache figures of the whole table listen to this one.
candidates_changed = Signal()


def announce_candidates_changed():
    """Send `candidates_changed` when the current transaction commits."""
    transaction.on_commit(lambda: candidates_changed.send(sender=Candidate))


def delete_file_after_commit(storage, name):
    """Remove `name` from `storage` once the current transaction commits."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=BeamFile)
@receiver(post_delete, sender=CandidateFile)
def remove_stored_file(sender, instance, **kwargs):
    delete_file_after_commit(instance.file.storage, instance.file.name)
