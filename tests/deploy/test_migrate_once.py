"""Web replicas starting together apply migrations one at a time."""

import pytest
from django.core.management import call_command
from django.db import connection

from portal.management.commands import migrate_once


def advisory_locks_held():
    """Advisory locks granted right now, seen from the test's connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks"
            " WHERE locktype = 'advisory' AND granted"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_migrate_runs_inside_the_replicas_shared_lock(monkeypatch):
    seen = []

    def fake_migrate(name, **options):
        assert name == "migrate"
        seen.append(
            advisory_locks_held() if connection.vendor == "postgresql" else "sqlite"
        )

    monkeypatch.setattr(migrate_once, "call_command", fake_migrate)
    call_command("migrate_once")
    assert len(seen) == 1
    if connection.vendor == "postgresql":
        assert seen == [[migrate_once.MIGRATE_LOCK_ID]]
        assert advisory_locks_held() == []  # released afterwards
