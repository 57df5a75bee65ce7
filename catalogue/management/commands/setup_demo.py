"""`manage.py setup_demo`: what `make run` needs — demo data, ingested, and a login."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-portal-2026"
DEMO_PROJECT = "vast-demo"


class Command(BaseCommand):
    help = "Create the demo user, write the demo observation once, ingest it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=str(Path(settings.BASE_DIR) / "var" / "demo" / "SB50230"),
        )

    def handle(self, directory, **options):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not (Path(directory) / "SB50230_beam00_final.csv").exists():
            call_command("make_demo_data", directory, stdout=self.stdout)
        call_command(
            "ingest_observation",
            directory,
            project=DEMO_PROJECT,
            user=DEMO_USERNAME,
            stdout=self.stdout,
        )
        call_command("setup_demo_pages", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: username '{DEMO_USERNAME}', password '{DEMO_PASSWORD}'"
            )
        )
