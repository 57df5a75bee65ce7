"""`manage.py migrate_once`: `migrate`, one web replica at a time.

Every web container applies migrations when it starts (docker/entrypoint.sh).
Several replicas start together, and two `migrate` runs at once on
PostgreSQL can both try to create the same table. On PostgreSQL this holds
a session advisory lock for the run: the others wait, then find nothing
left to do. Other databases (SQLite, one process) just migrate.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed 64-bit number: the one lock every replica's migrate takes.
MIGRATE_LOCK_ID = 0x706F7274616C  # "portal"


class Command(BaseCommand):
    help = "Apply migrations, one process at a time (PostgreSQL advisory lock)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_ID])
            try:
                call_command(
                    "migrate", interactive=False, verbosity=options["verbosity"]
                )
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_ID])
