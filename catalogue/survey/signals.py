"""Remove stored files from media storage once their rows are really gone.

Deletion waits for the transaction to commit, so a rolled-back delete (or a
rolled-back ingest that replaced a file) never loses data. Django's deletion
collector sends `post_delete` for cascaded rows too, so deleting a project or
an observation removes every file below it.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from catalogue.survey.models import BeamFile, CandidateFile


def delete_file_after_commit(storage, name):
    """Remove `name` from `storage` once the current transaction commits."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=BeamFile)
@receiver(post_delete, sender=CandidateFile)
def remove_stored_file(sender, instance, **kwargs):
    delete_file_after_commit(instance.file.storage, instance.file.name)
