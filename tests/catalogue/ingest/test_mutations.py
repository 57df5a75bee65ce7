"""Random damage to a valid beam table never gets past the checks half-way.

Hypothesis mutates beam 01's final CSV of the demo directory (truncated
text, rows with too few or too many cells, huge, non-finite, over-long and
NUL values, a name given twice) and sends it through the command and the
API. Every outcome is either a clean ingest or a refusal (a `CommandError`
naming a beam 01 file; an HTTP 4xx with a JSON error) after which the
database and the media folder are exactly as before.
"""

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalogue.api.support import (  # noqa: F401  (fixtures)
    OBSERVATION_URL,
    api_key_fixture,
    auth_fixture,
    media_files,
    snapshot,
    table_parts,
    tables_url,
)
from tests.catalogue.ingest.test_ingest import ingest
from tests.conftest import DEMO_SBID

FINAL = f"{DEMO_SBID}_beam01_final.csv"
NASTY_VALUES = st.sampled_from(
    [
        "9" * 40,
        str(2**63),
        "1e309",
        "-inf",
        "nan",
        "x" * 300,
        "J0000\x00-0000",
        "\x1b[31m",
        "",
        "   ",
        "=1+1",
    ]
)


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def _text(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def mutations(draw):
    """A function turning the final CSV's text into a damaged one, and its name."""
    kind = draw(
        st.sampled_from(["truncate", "short_row", "long_row", "value", "duplicate"])
    )
    row = draw(st.integers(1, 5))
    column = draw(st.integers(0, 40))
    if kind == "truncate":
        fraction = draw(st.floats(0.05, 0.95))
        return kind, lambda text: text[: int(len(text) * fraction)]
    if kind == "value":
        value = draw(NASTY_VALUES)

        def set_value(text):
            rows = _rows(text)
            rows[row][column % len(rows[row])] = value
            return _text(rows)

        return f"value {value[:12]!r}", set_value

    def damage_rows(text):
        rows = _rows(text)
        if kind == "short_row":
            rows[row] = rows[row][:-1]
        elif kind == "long_row":
            rows[row] = [*rows[row], "1.0"]
        else:
            name = rows[0].index("name")
            rows[row + 1][name] = rows[row][name]
        return _text(rows)

    return kind, damage_rows


def _damaged_copy(source, mutation, folder):
    directory = Path(folder) / DEMO_SBID
    shutil.copytree(source, directory)
    path = directory / FINAL
    path.write_text(mutation(path.read_text()))
    return directory


def _forget_new_media(media_root, before):
    for name in set(media_files(media_root)) - set(before):
        (media_root / name).unlink()


MUTATION_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.slow
@pytest.mark.django_db
@MUTATION_SETTINGS
@given(mutation=mutations())
def test_command_refuses_a_damaged_beam_or_ingests_it_whole(
    demo_source_dir, media_root, mutation
):
    _name, damage = mutation
    with tempfile.TemporaryDirectory() as folder:
        directory = _damaged_copy(demo_source_dir, damage, folder)
        rows_before, files_before = snapshot(), media_files(media_root)
        with transaction.atomic():
            try:
                ingest(directory)
            except CommandError as error:
                assert f"{DEMO_SBID}_beam01_" in str(error)
                assert snapshot() == rows_before
                assert media_files(media_root) == files_before
            transaction.set_rollback(True)
        _forget_new_media(media_root, files_before)


@pytest.mark.slow
@pytest.mark.django_db
@MUTATION_SETTINGS
@given(mutation=mutations())
def test_api_refuses_a_damaged_beam_with_a_4xx_or_applies_it(
    client, auth, demo_source_dir, media_root, mutation
):
    _name, damage = mutation
    with tempfile.TemporaryDirectory() as folder:
        directory = _damaged_copy(demo_source_dir, damage, folder)
        with transaction.atomic():
            created = client.post(
                "/api/v1/observations/",
                {"project": "demo", "sbid": DEMO_SBID},
                content_type="application/json",
                **auth,
            )
            assert created.status_code in (200, 201)
            rows_before, files_before = snapshot(), media_files(media_root)
            parts = table_parts(directory, 1)
            try:
                response = client.post(tables_url(1), parts, **auth)
            finally:
                for handle in parts.values():
                    handle.close()
            assert response.status_code == 200 or 400 <= response.status_code < 500
            if response.status_code != 200:
                assert response.json()["error"]
                assert snapshot() == rows_before
                assert media_files(media_root) == files_before
                assert client.get(OBSERVATION_URL, **auth).status_code == 200
            transaction.set_rollback(True)
        _forget_new_media(media_root, files_before)
