"""`manage.py load_pulsars FILE`: load the ATNF pulsar catalogue (psrcat.db)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rating.references.pulsars import PsrcatError, load_pulsars


class Command(BaseCommand):
    help = "Replace the known-pulsar table with the records of a psrcat.db file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="psrcat database file (psrcat.db)")

    def handle(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            content = load_pulsars(path.read_text(encoding="utf-8", errors="replace"))
        except PsrcatError as exc:
            raise CommandError(f"{path.name}: {exc}; nothing loaded") from exc
        message = f"loaded {len(content.pulsars)} pulsars from {path.name}"
        if content.skipped:
            message += f" ({len(content.skipped)} without a position skipped)"
        self.stdout.write(self.style.SUCCESS(message))
