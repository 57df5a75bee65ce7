"""`ingest_directory` writes a whole directory or nothing: a failure half-way
leaves the database and media storage exactly as they were."""

import pytest
from django.core.management import CommandError

from catalogue.ingest import service
from catalogue.survey.models import Observation
from tests.catalogue.api.support import MODELS, media_files, snapshot
from tests.catalogue.ingest.test_ingest import ingest, replace_value, rewrite_final

pytestmark = pytest.mark.django_db


def fail_on_beam(monkeypatch, function_name, beam_index):
    """Make `service.<function_name>` raise once it reaches `beam_index`."""
    original = getattr(service, function_name)

    def failing(observation, item, *args, **kwargs):
        index = getattr(item, "beam_index", None)
        if index == beam_index:
            raise OSError("disk full")
        return original(observation, item, *args, **kwargs)

    monkeypatch.setattr(service, function_name, failing)


@pytest.mark.parametrize("function_name", ["write_beam_tables", "store_file"])
def test_second_beam_failing_on_a_new_directory_writes_nothing(
    demo_dir, media_root, monkeypatch, function_name
):
    fail_on_beam(monkeypatch, function_name, 1)

    with pytest.raises(OSError, match="disk full"):
        ingest(demo_dir)

    assert all(not model.objects.exists() for model in MODELS)
    assert media_files(media_root) == []

    monkeypatch.undo()
    ingest(demo_dir)

    assert Observation.objects.get().beams.count() == 2


@pytest.mark.parametrize("function_name", ["write_beam_tables", "store_file"])
def test_second_beam_failing_on_a_re_ingest_changes_nothing(
    demo_dir, media_root, monkeypatch, function_name
):
    ingest(demo_dir)
    rewrite_final(demo_dir, replace_value("peak_map", "0.5"))
    first_map = demo_dir / "SB50230_beam00_peak_map1.png"
    first_map.write_bytes((demo_dir / "SB50230_beam00_peak_map2.png").read_bytes())
    before = snapshot()
    files_before = {
        name: (media_root / name).read_bytes() for name in media_files(media_root)
    }
    fail_on_beam(monkeypatch, function_name, 1)

    with pytest.raises(OSError, match="disk full"):
        ingest(demo_dir)

    assert snapshot() == before
    assert {
        name: (media_root / name).read_bytes() for name in media_files(media_root)
    } == files_before


def test_refused_directory_leaves_no_observation_row(demo_dir, media_root):
    (demo_dir / "notes.txt").write_text("not a pipeline file")

    with pytest.raises(CommandError, match="notes.txt"):
        ingest(demo_dir)

    assert not Observation.objects.exists()
