"""The OpenAPI schema tells the whole contract, and the API keeps it.

The schema documents every error status (with the `{"error": ...}` shape)
and the identifier patterns; schemathesis then fuzzes a live server against
that schema with every check it has.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.access.models import Membership
from catalogue.api.serializers import PROJECT_SLUG_PATTERN
from catalogue.api.tokens.service import create_token
from catalogue.survey.models import (
    MAX_BEAM_INDEX,
    SBID_VALIDATOR,
)
from catalogue.survey.pipeline_files import CANDIDATE_NAME_MAX_LENGTH
from tests.catalogue.api.support import api_key_fixture, auth_fixture  # noqa: F401

ERROR = {"$ref": "#/components/schemas/Error"}
SCHEMATHESIS = Path(sys.executable).with_name("st")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Test cases per operation and phase: a few hundred requests in all.
EXAMPLES_PER_OPERATION = 10
RUN_LIMIT_S = 110


@pytest.fixture
def schema(client, auth, db):
    return client.get("/api/v1/schema/?format=json", **auth).json()


def operations(schema):
    for url, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {url}", method, operation


def test_every_operation_documents_its_errors_as_json(schema):
    for name, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "406", "411", "413", "429", "500", "503"}
        if method == "post":
            expected.add("415")
        if "{" in name:
            expected.add("404")
        assert expected <= set(responses), name
        for code in expected:
            assert responses[code]["content"]["application/json"]["schema"] == ERROR
        for code in ("429", "503"):
            assert "Retry-After" in responses[code]["headers"], name
        assert responses["401"]["headers"]["WWW-Authenticate"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]


def test_identifiers_carry_their_patterns(schema):
    parameters = {
        parameter["name"]: parameter["schema"]
        for _, _, operation in operations(schema)
        for parameter in operation.get("parameters", [])
    }
    assert parameters["sbid"]["pattern"] == SBID_VALIDATOR.regex.pattern
    assert parameters["project"]["pattern"] == PROJECT_SLUG_PATTERN
    assert parameters["index"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_BEAM_INDEX,
    }
    components = schema["components"]["schemas"]
    names = components["BeamState"]["properties"]["candidates"]["items"]
    assert names["maxLength"] == CANDIDATE_NAME_MAX_LENGTH
    assert "any printable text" in names["description"]
    assert components["ObservationWrite"]["properties"]["sbid"]["pattern"] == (
        SBID_VALIDATOR.regex.pattern
    )


def test_the_schema_says_the_api_keeps_the_stored_units(schema):
    """The catalogue page shows fluxes in mJy; the API, like the pipeline's
    CSV and the exports, speaks Jy, and says so."""
    description = schema["info"]["description"]
    assert "fluxes in Jy" in description
    assert "only the catalogue page shows and filters fluxes in mJy" in description


def test_docs_page_lists_the_error_statuses(client, rater):
    client.force_login(rater)

    html = client.get("/api/v1/docs/").content.decode()

    assert "the database is unavailable; see Retry-After" in html
    assert "chunked body without Content-Length" in html


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_failure(live_server, rater, ingested, tmp_path):
    # An uploader of the demo project whose token names it and may open new
    # projects, so every write operation can succeed with valid data.
    Membership.objects.create(project=ingested.project, user=rater, role="uploader")
    key = create_token(
        rater, "schemathesis", projects=[ingested.project], may_create_projects=True
    )[1]

    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{live_server.url}/api/v1/schema/?format=json",
            "--header",
            f"Authorization: Token {key}",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            "20261201",
            "--generation-deterministic",
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=RUN_LIMIT_S,
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
