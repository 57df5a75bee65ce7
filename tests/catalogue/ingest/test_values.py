"""Every value is checked against its database column, every file name against
the pipeline's rules: a refusal names the file (line, column) and writes nothing."""

import csv
import io

import pytest
from django.core.management import CommandError

from catalogue.survey.models import Candidate
from tests.catalogue.api.support import MODELS, media_files
from tests.catalogue.ingest.test_ingest import ingest, replace_value, rewrite_final
from tests.conftest import DEMO_SBID

HUGE = str(2**63)
VERY_NEGATIVE = str(-(2**63) - 1)

# (column, value, message): values the parser reads but the database column
# cannot hold (too long, NUL or another control character, out of range).
UNSTORABLE_VALUES = [
    ("name", "J" + "0" * 128, "is 129 characters long; the column holds at most 128"),
    ("ra_str", "1" * 33, "is 33 characters long; the column holds at most 32"),
    ("deep_name", "VAST\x00J1234", "contains the control character U+0000"),
    ("dec_str", "-45:00\x1b00", "contains the control character U+001B"),
    ("source_id", HUGE, f"{HUGE} is outside the column's integer range"),
    ("deep_num", VERY_NEGATIVE, f"{VERY_NEGATIVE} is outside the column's integer"),
]
UNSTORABLE_IDS = [f"{column}-{value[:8]!r}" for column, value, _ in UNSTORABLE_VALUES]


@pytest.mark.parametrize(
    ("column", "value", "message"), UNSTORABLE_VALUES, ids=UNSTORABLE_IDS
)
@pytest.mark.django_db
def test_value_the_column_cannot_hold_is_refused(
    demo_dir, media_root, column, value, message
):
    filename = rewrite_final(demo_dir, replace_value(column, value, row_index=2))

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert f"{filename}, line 4, column '{column}': {message}" in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_large_integers_keep_every_digit(demo_dir, media_root):
    """2**53 + 1 has no exact float: integers must not pass through one."""
    rewrite_final(demo_dir, replace_value("source_id", str(2**53 + 1)))

    ingest(demo_dir)

    assert Candidate.objects.filter(beam__index=1, source_id=2**53 + 1).exists()


@pytest.mark.django_db
def test_non_finite_lightcurve_time_is_refused(demo_dir, media_root):
    path = demo_dir / f"{DEMO_SBID}_beam00_lightcurve_peak_flux.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    rows[3][rows[0].index("Time")] = "nan"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert f"{path.name}, line 4, column 'Time': 'nan' is not a finite time" in str(
        error.value
    )
    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.django_db
def test_overlong_sbid_is_refused_naming_the_file(demo_dir, media_root):
    sbid = "SB" + "1" * 40
    for path in demo_dir.iterdir():
        path.rename(path.with_name(path.name.replace(DEMO_SBID, sbid)))

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert f"{sbid}_beam00_final.csv: SBID '" in str(error.value)
    assert "at most 32 are allowed" in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("notes.txt", "is not a pipeline file name"),
        (f"{DEMO_SBID}_beam00_chisquare.txt", "is not a pipeline file name"),
        (
            f"{DEMO_SBID}_beam00_std..fits",
            "must be a bare file name: no path separators and no '..'",
        ),
        (
            f"{DEMO_SBID}_beam00_deepcutout_..J1.png",
            "must be a bare file name: no path separators and no '..'",
        ),
    ],
)
@pytest.mark.django_db
def test_file_the_rules_refuse_is_an_error_naming_it(
    demo_dir, media_root, name, message
):
    (demo_dir / name).write_bytes(b"whatever")

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert f"{name}: {message}" in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_same_file_name_in_a_subfolder_is_an_error(demo_dir, media_root):
    original = demo_dir / f"{DEMO_SBID}_beam00_std.fits"
    (demo_dir / "copy").mkdir()
    (demo_dir / "copy" / original.name).write_bytes(original.read_bytes())

    with pytest.raises(CommandError, match=f"{original.name}: appears twice"):
        ingest(demo_dir)

    assert all(not model.objects.exists() for model in MODELS)


@pytest.mark.django_db
def test_candidate_file_of_no_candidate_is_an_error_naming_it(demo_dir, media_root):
    name = f"{DEMO_SBID}_beam00_deepcutout_J000000-000000.png"
    (demo_dir / name).write_bytes(
        next(demo_dir.glob("*_deepcutout_*.png")).read_bytes()
    )

    with pytest.raises(CommandError) as error:
        ingest(demo_dir)

    assert f"{name}: candidate 'J000000-000000' is not in beam 00" in str(error.value)
    assert all(not model.objects.exists() for model in MODELS)


# Floats whose shortest text needs all 17 digits, the extremes of the double
# range (subnormal included): stored and read back bit-exact.
AWKWARD_FLOATS = [
    "0.30000000000000004",
    "-1.2345678901234567e-05",
    "1.7976931348623157e+308",
    "5e-324",
    "-2.2250738585072014e-308",
]


@pytest.mark.django_db
def test_floats_and_text_are_stored_exactly(demo_dir, media_root):
    transform_steps = [
        replace_value(column, value, row_index=index)
        for index, value in enumerate(AWKWARD_FLOATS)
        for column in ("peak_map", "md_deep")
    ]
    transform_steps.append(replace_value("deep_name", 'a "quoted", name', 0))
    transform_steps.append(replace_value("ra_str", "", 0))

    def transform(text):
        for step in transform_steps:
            text = step(text)
        return text

    rewrite_final(demo_dir, transform)
    path = demo_dir / f"{DEMO_SBID}_beam01_lightcurve_peak_flux.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    column = rows[0].index([name for name in rows[0] if name != "Time"][0])
    rows[1][column], rows[2][column] = AWKWARD_FLOATS[0], "nan"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)

    ingest(demo_dir)

    stored = list(
        Candidate.objects.filter(beam__index=1)
        .order_by("id")
        .values("peak_map", "md_deep", "deep_name", "ra_str")
    )
    for index, text in enumerate(AWKWARD_FLOATS):
        for name in ("peak_map", "md_deep"):
            assert stored[index][name].hex() == float(text).hex()
    assert stored[0]["deep_name"] == 'a "quoted", name'
    assert stored[0]["ra_str"] == ""
    lightcurve = Candidate.objects.get(beam__index=1, name=rows[0][column]).lightcurve
    assert lightcurve.peak_flux_jy[:2] == [float(AWKWARD_FLOATS[0]), None]
