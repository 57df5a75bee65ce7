"""`manage.py check_media [--delete]`: stored files without rows and rows
without files (see `catalogue.ingest.orphans`)."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.ingest.orphans import (
    DEFAULT_INCOMING_AGE_S,
    find_orphans,
    remove_orphans,
)


class Command(BaseCommand):
    help = (
        "List survey files in media storage that no row points to, parts a "
        "killed upload left in .incoming/, and file rows whose file is gone; "
        "--delete removes them (the upload client re-sends removed files)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="remove what is found"
        )
        parser.add_argument(
            "--incoming-age",
            type=float,
            default=DEFAULT_INCOMING_AGE_S,
            help="seconds after which a received part is abandoned (default 3600)",
        )

    def handle(self, delete=False, incoming_age=DEFAULT_INCOMING_AGE_S, **options):
        try:
            orphans = find_orphans(incoming_age)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name in orphans.files:
            self.stdout.write(f"file without row: {name}")
        for name in orphans.incoming:
            self.stdout.write(f"abandoned upload part: {name}")
        for model, pk, name in orphans.rows:
            self.stdout.write(f"{model.__name__} {pk} without file: {name}")
        if delete and orphans:
            remove_orphans(orphans)
        verb = "removed" if delete else "found"
        self.stdout.write(
            f"{len(orphans.files)} files without rows, {len(orphans.incoming)} "
            f"abandoned parts, {len(orphans.rows)} rows without files {verb}"
        )
        if orphans and not delete:
            self.stdout.write("run with --delete to remove them")
