"""`manage.py ingest_observation` on the demo directory and on bad input."""

import csv
import hashlib
import io

import astropy.units as u
import pytest
from astropy.coordinates import SkyCoord
from django.core.management import CommandError, call_command

from catalogue.survey.models import (
    BeamFile,
    Candidate,
    CandidateFile,
    Lightcurve,
    Observation,
)
from tests.catalogue.api.support import MODELS, media_files, snapshot
from tests.conftest import DEMO_BEAMS, DEMO_SBID


def ingest(directory, project="demo"):
    out = io.StringIO()
    call_command("ingest_observation", str(directory), project=project, stdout=out)
    return out.getvalue()


def csv_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_ingest_creates_every_row_and_file(demo_source_dir, media_root):
    output = ingest(demo_source_dir)

    finals = sorted(demo_source_dir.glob("*_final.csv"))
    expected_names = {
        (int(path.name.split("_beam")[1][:2]), row["name"])
        for path in finals
        for row in csv_rows(path)
    }
    observation = Observation.objects.get(project__slug="demo", sbid=DEMO_SBID)
    assert observation.beams.count() == DEMO_BEAMS
    assert set(Candidate.objects.values_list("beam__index", "name")) == expected_names
    assert Lightcurve.objects.count() == len(expected_names)
    # DATE-OBS of beam00's std map, as written by the demo generator.
    assert observation.start_time.isoformat() == "2024-03-15T10:22:31+00:00"

    pipeline_files = [
        p for p in demo_source_dir.iterdir() if p.suffix in {".fits", ".png", ".gif"}
    ]
    stored = BeamFile.objects.count() + CandidateFile.objects.count()
    assert stored == len(pipeline_files)
    assert len(media_files(media_root)) == stored
    assert f"{len(expected_names)} candidates" in output


@pytest.mark.django_db
def test_ingest_keeps_values_and_stores_non_finite_as_null(demo_source_dir, media_root):
    ingest(demo_source_dir)
    row = next(
        r
        for r in csv_rows(demo_source_dir / f"{DEMO_SBID}_beam00_final.csv")
        if r["deep_ra_deg"] == "nan"
    )
    candidate = Candidate.objects.get(beam__index=0, name=row["name"])
    assert candidate.ra == pytest.approx(float(row["ra"]))
    assert candidate.peak_map == pytest.approx(float(row["peak_map"]))
    assert candidate.deep_ra_deg is None
    assert candidate.md_deep is None
    assert candidate.source_id == int(row["source_id"])

    lightcurve = candidate.lightcurve
    assert len(lightcurve.times_mjd) == len(lightcurve.peak_flux_jy) == 20
    assert lightcurve.times_mjd[0] == pytest.approx(60384.4323, abs=1e-3)


@pytest.mark.django_db
def test_stored_files_keep_size_and_sha256(demo_source_dir, media_root):
    ingest(demo_source_dir)
    for record in [*BeamFile.objects.all(), *CandidateFile.objects.all()]:
        data = record.file.read()
        assert len(data) == record.size
        assert hashlib.sha256(data).hexdigest() == record.sha256


@pytest.mark.django_db
def test_second_ingest_changes_nothing(demo_source_dir, media_root):
    ingest(demo_source_dir)
    before = snapshot()
    files_before = {
        p: p.stat().st_mtime_ns for p in media_root.rglob("*") if p.is_file()
    }

    output = ingest(demo_source_dir)

    assert snapshot() == before
    assert {
        p: p.stat().st_mtime_ns for p in media_root.rglob("*") if p.is_file()
    } == files_before
    assert "0 new, 0 updated" in output and "0 files stored" in output


@pytest.mark.django_db
def test_changed_row_is_updated_not_duplicated(demo_dir, media_root):
    ingest(demo_dir)
    final = demo_dir / f"{DEMO_SBID}_beam01_final.csv"
    rows = csv_rows(final)
    rows[0]["peak_map"] = "0.123"
    with open(final, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    count = Candidate.objects.count()

    ingest(demo_dir)

    assert Candidate.objects.count() == count
    assert Candidate.objects.get(beam__index=1, name=rows[0]["name"]).peak_map == 0.123


@pytest.mark.django_db
def test_overlapping_beams_have_one_best_beam(demo_source_dir, media_root):
    ingest(demo_source_dir)
    candidates = list(Candidate.objects.order_by("id"))
    coords = SkyCoord(
        [c.ra for c in candidates] * u.deg, [c.dec for c in candidates] * u.deg
    )
    pairs = [
        (a, b)
        for i, a in enumerate(candidates)
        for j, b in enumerate(candidates)
        if i < j and coords[i].separation(coords[j]).arcsec <= 5
    ]
    assert pairs, "the demo puts some candidates in two overlapping beams"
    for a, b in pairs:
        closer, farther = sorted((a, b), key=lambda c: (c.beam_sep_deg, c.name))
        assert closer.is_best_beam and not farther.is_best_beam
    assert sum(c.is_best_beam for c in candidates) == len(candidates) - len(pairs)


# --- bad input: a clear message naming the file, and nothing written ---------------


def rewrite_final(directory, transform):
    path = directory / f"{DEMO_SBID}_beam01_final.csv"
    path.write_text(transform(path.read_text()))
    return path.name


def replace_value(column, value, row_index=0):
    def transform(text):
        rows = list(csv.reader(io.StringIO(text)))
        rows[row_index + 1][rows[0].index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    return transform


def drop_column(column):
    def transform(text):
        rows = list(csv.reader(io.StringIO(text)))
        index = rows[0].index(column)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            [r[:index] + r[index + 1 :] for r in rows]
        )
        return out.getvalue()

    return transform


def duplicate_first_name(text):
    rows = list(csv.reader(io.StringIO(text)))
    rows[2][rows[0].index("name")] = rows[1][rows[0].index("name")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def truncate(text):
    return text[: len(text) * 2 // 3]


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (drop_column("peak_map"), "line 1, column 'peak_map': missing column"),
        (
            replace_value("chi_square", "abc"),
            "line 2, column 'chi_square': 'abc' is not",
        ),
        (replace_value("dec", "95"), "line 2, column 'dec': Dec must be"),
        (duplicate_first_name, "line 3, column 'name': duplicate candidate name"),
        (truncate, "truncated or malformed row"),
    ],
    ids=["missing-column", "non-numeric", "bad-dec", "duplicate-name", "truncated"],
)
@pytest.mark.django_db
def test_malformed_final_csv_is_refused_and_nothing_written(
    demo_dir, media_root, transform, expected
):
    filename = rewrite_final(demo_dir, transform)

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert filename in str(error.value)
    assert expected in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_non_fits_bytes_in_a_fits_file_are_refused(demo_dir, media_root):
    victim = next(demo_dir.glob("*_deepcutout_*.fits"))
    victim.write_bytes(b"<html>this is not FITS</html>")

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert victim.name in str(error.value) and "not a FITS file" in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_missing_final_csv_is_refused(demo_dir, media_root):
    for path in demo_dir.glob("*_final.csv"):
        path.unlink()

    with pytest.raises(CommandError, match="no <SBID>_beam<NN>_final.csv"):
        ingest(demo_dir)

    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.django_db
def test_one_beam_without_final_csv_is_refused(demo_dir, media_root):
    (demo_dir / f"{DEMO_SBID}_beam01_final.csv").unlink()

    with pytest.raises(CommandError, match="beam 01 has no _final.csv"):
        ingest(demo_dir)

    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.django_db
def test_lightcurve_for_unknown_candidate_is_refused(demo_dir, media_root):
    path = demo_dir / f"{DEMO_SBID}_beam00_lightcurve_peak_flux.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    rows = [rows[0] + ["J000000-000000"]] + [row + ["0.001"] for row in rows[1:]]
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(CommandError, match="J000000-000000"):
        ingest(demo_dir)
    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.django_db
def test_bad_project_slug_is_refused(demo_source_dir, media_root):
    with pytest.raises(CommandError, match="not a valid project slug"):
        ingest(demo_source_dir, project="../etc")
    assert all(not model.objects.exists() for model in MODELS)
