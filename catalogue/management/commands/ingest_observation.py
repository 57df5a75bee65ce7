"""`manage.py ingest_observation DIR --project P`: ingest a pipeline directory."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalogue.ingest.errors import IngestError
from catalogue.ingest.service import ingest_directory


class Command(BaseCommand):
    help = (
        "Ingest one observation's pipeline output directory (validated before writing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", help="pipeline output directory of one observation"
        )
        parser.add_argument(
            "--project", required=True, help="project slug (created if new)"
        )
        parser.add_argument("--user", help="username recorded as the uploader")

    def handle(self, directory, project, user=None, **options):
        uploader = None
        if user:
            uploader = get_user_model().objects.filter(username=user).first()
            if uploader is None:
                raise CommandError(f"no user named '{user}'")
        try:
            summary = ingest_directory(
                directory,
                project,
                user=uploader,
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except IngestError as exc:
            raise CommandError(f"ingest refused, nothing written: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.beams} beams, {summary.candidates} candidates "
                f"({summary.candidates_created} new, "
                f"{summary.candidates_updated} updated, "
                f"{summary.candidates_unchanged} unchanged), "
                f"{summary.files_stored} files stored ({summary.bytes_stored} bytes), "
                f"{summary.files_unchanged} unchanged, in {summary.seconds:.2f} s"
            )
        )
