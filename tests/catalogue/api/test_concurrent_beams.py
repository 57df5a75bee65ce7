"""Two beams of one observation uploaded at the same moment, through the API.

Sources seen by both beams form best-beam groups spanning them, so each
beam's request must see the other's rows when it regroups: the observation
lock makes the two table writes follow one another. Each request pauses
after regrouping, before it commits, so that without the lock the other
would surely regroup without its rows.

Runs on PostgreSQL only (SQLite serialises writers with a file lock, so the
race cannot happen there).
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from catalogue.ingest import service
from catalogue.survey.best_beam import recompute_best_beams
from catalogue.survey.models import Candidate, Observation
from tests.catalogue.api.support import (
    api_key_fixture,  # noqa: F401
    auth_fixture,  # noqa: F401
    table_parts,
)
from tests.catalogue.ingest.test_ingest import replace_value
from tests.conftest import DEMO_BEAMS, DEMO_SBID

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]
OVERLAP_S = 0.5


@pytest.fixture
def slow_writes(monkeypatch):
    """Each beam's rows and flags stay uncommitted for `OVERLAP_S` more."""
    regroup = service.recompute_best_beams

    def slowly(*args, **kwargs):
        result = regroup(*args, **kwargs)
        time.sleep(OVERLAP_S)
        return result

    monkeypatch.setattr(service, "recompute_best_beams", slowly)


def open_observation(auth, project):
    response = Client().post(
        "/api/v1/observations/",
        {"project": project, "sbid": DEMO_SBID},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.json()
    return Observation.objects.get(project__slug=project, sbid=DEMO_SBID)


def tables_url(project, index):
    return f"/api/v1/projects/{project}/observations/{DEMO_SBID}/beams/{index}/tables/"


def post_tables(auth, directory, project, index):
    response = Client().post(
        tables_url(project, index), table_parts(directory, index), **auth
    )
    return response.status_code


def post_beams_at_once(auth, directory, project):
    """Both beams' tables in two threads released together; their statuses."""
    start = threading.Barrier(DEMO_BEAMS)
    statuses = {}

    def send(index):
        start.wait()
        try:
            statuses[index] = post_tables(auth, directory, project, index)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(DEMO_BEAMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def best_beams(observation):
    return set(
        Candidate.objects.filter(observation=observation, is_best_beam=True)
        .values_list("beam__index", "name")
        .order_by()
    )


def shared_sources(observation):
    """Candidates of beam 1 also seen by beam 0 (within 4 arcsec)."""
    return [
        candidate
        for candidate in Candidate.objects.filter(
            observation=observation, beam__index=1
        )
        if Candidate.objects.filter(
            observation=observation,
            beam__index=0,
            ra__range=(candidate.ra - 1e-3, candidate.ra + 1e-3),
            dec__range=(candidate.dec - 1e-3, candidate.dec + 1e-3),
        ).exists()
    ]


def test_beams_uploaded_at_once_group_as_one_after_another(
    auth, demo_source_dir, media_root, slow_writes
):
    serial = open_observation(auth, "serial")
    for index in range(DEMO_BEAMS):
        assert post_tables(auth, demo_source_dir, "serial", index) == 200
    assert shared_sources(serial), "the demo has sources seen by both beams"
    together = open_observation(auth, "together")

    started = time.monotonic()
    statuses = post_beams_at_once(auth, demo_source_dir, "together")

    assert statuses == {index: 200 for index in range(DEMO_BEAMS)}
    assert time.monotonic() - started >= DEMO_BEAMS * OVERLAP_S  # one after another
    assert best_beams(together) == best_beams(serial)
    assert recompute_best_beams(together) == 0  # nothing a full regroup would fix


def bring_two_sources_together(directory):
    """Move one source of each beam to one new place in the beams' final
    CSVs: each beam's change alone leaves its source the best of a group of
    one; only seeing both makes a group of two with one best beam."""
    for index in range(DEMO_BEAMS):
        final = directory / f"{DEMO_SBID}_beam{index:02d}_final.csv"
        for column, value in (("ra", "123.0"), ("dec", "-60.0")):
            final.write_text(
                replace_value(column, value, row_index=0)(final.read_text())
            )


def test_changed_beams_sent_again_at_once_group_as_one_after_another(
    auth, demo_dir, media_root, slow_writes
):
    """Beams that already hold rows: each request locks before changing any."""
    serial, together = (open_observation(auth, p) for p in ("serial", "together"))
    for project in ("serial", "together"):
        for index in range(DEMO_BEAMS):
            assert post_tables(auth, demo_dir, project, index) == 200
    bring_two_sources_together(demo_dir)
    for index in range(DEMO_BEAMS):
        assert post_tables(auth, demo_dir, "serial", index) == 200

    statuses = post_beams_at_once(auth, demo_dir, "together")

    assert statuses == {index: 200 for index in range(DEMO_BEAMS)}
    assert best_beams(together) == best_beams(serial)
    assert recompute_best_beams(together) == 0
    assert Candidate.objects.filter(observation=together, dec=-60.0).count() == 2


def test_without_the_lock_the_race_is_real(
    auth, demo_source_dir, media_root, slow_writes, monkeypatch
):
    """The check above can fail: with the lock gone, the two requests
    regroup without each other's rows (or deadlock on each other's flags)."""
    monkeypatch.setattr(service, "lock_observation", lambda observation: None)
    together = open_observation(auth, "together")

    statuses = post_beams_at_once(auth, demo_source_dir, "together")

    failed = any(status != 200 for status in statuses.values())
    assert failed or recompute_best_beams(together) > 0
