"""Upload API: a value its column cannot hold is a 400 naming file, line and
column, never a database error (500)."""

import pytest
from django.test import Client

from catalogue.survey.models import Observation
from tests.catalogue.api.support import (
    api_key_fixture,  # noqa: F401
    auth_fixture,  # noqa: F401
    media_files,
    snapshot,
    table_parts,
    tables_url,
)
from tests.catalogue.ingest.test_ingest import replace_value
from tests.catalogue.ingest.test_values import UNSTORABLE_IDS, UNSTORABLE_VALUES
from tests.conftest import DEMO_SBID

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation(client, auth):
    response = client.post(
        "/api/v1/observations/",
        {"project": "demo", "sbid": DEMO_SBID},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201
    return Observation.objects.get(sbid=DEMO_SBID)


@pytest.mark.parametrize(
    ("column", "value", "message"), UNSTORABLE_VALUES, ids=UNSTORABLE_IDS
)
def test_value_the_column_cannot_hold_is_400(
    auth, observation, demo_source_dir, media_root, column, value, message
):
    before, files_before = snapshot(), media_files(media_root)
    parts = table_parts(demo_source_dir, 1)
    final_csv = parts["final_csv"].read().decode()
    parts["final_csv"] = replace_value(column, value, row_index=2)(final_csv)
    client = Client(raise_request_exception=False)

    response = client.post(tables_url(1), parts, **auth)

    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["file"], body["line"], body["column"]) == (
        f"{DEMO_SBID}_beam01_final.csv",
        4,
        column,
    )
    assert f"line 4, column '{column}': {message}" in body["error"]
    assert snapshot() == before
    assert media_files(media_root) == files_before
