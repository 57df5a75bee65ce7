"""Real survey designations (spaces, signs, quotes, any script) end to end:
the command ingests them and their files, the catalogue finds them by name,
the candidate page, its downloads and the exports show them exactly, and no
stored path or URL carries the raw name. (The API and the upload client
take the same names in `tests/catalogue/api/`.)"""

import csv
import html
import io
import re
from urllib.parse import quote

import pytest
from astropy.table import Table
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import content_disposition_header

from catalogue.ingest.errors import IngestError
from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import Candidate, CandidateFile
from catalogue.survey.pipeline_files import (
    CANDIDATE_NAME_MAX_LENGTH,
    candidate_name_problem,
    classify,
    pipeline_filename,
)
from tests.catalogue.ingest.test_ingest import replace_value
from tests.catalogue.named_candidates import SURVEY_NAMES, give_survey_names
from tests.conftest import DEMO_SBID

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(demo_dir, media_root):
    """The demo observation with survey names in beam 00, ingested by the command."""
    give_survey_names(demo_dir)
    call_command("ingest_observation", str(demo_dir), project="names", verbosity=0)
    return {c.name: c for c in Candidate.objects.filter(name__in=SURVEY_NAMES)}


@pytest.fixture
def rater_client(client, rater):
    client.force_login(rater)
    return client


@pytest.mark.parametrize("name", SURVEY_NAMES)
@pytest.mark.parametrize(
    "kind", ["deepcutout_fits", "slices_fits", "lightcurve_png", "dynamic_spectra_png"]
)
def test_file_names_round_trip_the_exact_name(name, kind):
    filename = pipeline_filename(DEMO_SBID, 7, kind, name)
    parsed = classify(filename)
    assert (parsed.beam_index, parsed.kind, parsed.candidate_name) == (7, kind, name)


@pytest.mark.parametrize(
    "name, problem",
    [
        ("", "is empty"),
        (" VAST J0459", "starts or ends with a blank"),
        ("VAST\tJ0459", "unprintable character U+0009"),
        ("VAST\u200bJ0459", "unprintable character U+200B"),
        ("J" * (CANDIDATE_NAME_MAX_LENGTH + 1), "at most 128"),
    ],
)
def test_unprintable_or_overlong_names_are_refused(name, problem):
    assert problem in candidate_name_problem(name)


def test_the_command_ingests_survey_names_with_their_files(named, media_root):
    assert set(named) == set(SURVEY_NAMES)
    for candidate in named.values():
        kinds = set(candidate.files.values_list("kind", flat=True))
        assert {"deepcutout_fits", "slices_fits", "dynamic_spectra_png"} <= kinds
        assert candidate.lightcurve.peak_flux_jy
    stored = CandidateFile.objects.values_list("file", flat=True)
    for path in stored:
        assert not any(name in path for name in SURVEY_NAMES)
        assert " " not in path and '"' not in path


def test_a_name_with_a_control_character_is_refused_by_line(demo_dir, media_root):
    final = demo_dir / f"{DEMO_SBID}_beam00_final.csv"
    final.write_text(
        replace_value("name", "VAST\u2028J0459", row_index=1)(final.read_text())
    )
    with pytest.raises(IngestError) as refused:
        ingest_directory(demo_dir, "names")
    assert refused.value.line == 3 and refused.value.column == "name"
    assert "U+2028" in str(refused.value)
    assert not Candidate.objects.exists()


def test_catalogue_name_search_finds_a_designation(named, rater_client):
    response = rater_client.get(
        reverse("catalogue:list") + "?" + f"name={quote('J045927.8+153')}&best_beam="
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "VAST J045927.8+153839" in page
    assert "ASKAP J1832-0911" not in page
    response = rater_client.get(
        reverse("catalogue:list") + "?best_beam=&name=" + quote('"B0531')
    )
    page = response.content.decode()
    assert 'PSR "B0531' not in page
    assert 'PSR "B0531+21", Crab é' in html.unescape(page)


def test_candidate_page_shows_the_name_files_and_dynamic_spectrum(named, rater_client):
    candidate = named['PSR "B0531+21", Crab é']
    page = rater_client.get(candidate.get_absolute_url()).content.decode()
    # Escaped as text of the heading (whatever attributes the heading has).
    assert re.search(r"<h1[^>]*>PSR &quot;B0531\+21&quot;, Crab é</h1>", page)
    assert (
        f"{DEMO_SBID}_beam00_deepcutout_PSR &quot;B0531+21&quot;, Crab é.fits" in page
    )
    dynamic = reverse("rating:file", args=[candidate.pk, "dynamic_spectra_png"])
    assert f'src="{dynamic}?inline=1"' in page
    assert rater_client.get(dynamic + "?inline=1")["Content-Type"] == "image/png"


def test_a_candidate_without_dynamic_spectrum_has_no_such_section(named, rater_client):
    other = Candidate.objects.exclude(name__in=SURVEY_NAMES).first()
    page = rater_client.get(other.get_absolute_url()).content.decode()
    assert "dynspec-heading" not in page


@pytest.mark.parametrize("name", SURVEY_NAMES)
def test_downloads_carry_the_pipeline_name_safely(named, rater_client, name):
    candidate = named[name]
    response = rater_client.get(
        reverse("rating:file", args=[candidate.pk, "deepcutout_fits"])
    )
    expected = pipeline_filename(DEMO_SBID, 0, "deepcutout_fits", name)
    assert response["Content-Disposition"] == content_disposition_header(True, expected)
    b"".join(response.streaming_content)
    response = rater_client.get(reverse("rating:lightcurve_csv", args=[candidate.pk]))
    assert response["Content-Disposition"] == content_disposition_header(
        True, expected.replace("deepcutout_", "lightcurve_").replace(".fits", ".csv")
    )


def test_download_header_of_a_quoted_non_ascii_name_is_rfc_5987(named, rater_client):
    candidate = named['PSR "B0531+21", Crab é']
    header = rater_client.get(
        reverse("rating:file", args=[candidate.pk, "deepcutout_fits"])
    )["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert '"' not in header and " " not in header.split("; ", 1)[1]


def _export(client, export_format):
    url = reverse("catalogue:export", kwargs={"export_format": export_format})
    response = client.get(url + "?best_beam=&project=names")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_exports_keep_the_exact_names(named, rater_client):
    rows = list(csv.DictReader(io.StringIO(_export(rater_client, "csv").decode())))
    assert set(SURVEY_NAMES) <= {row["name"] for row in rows}
    ecsv = Table.read(io.BytesIO(_export(rater_client, "ecsv")), format="ascii.ecsv")
    assert set(SURVEY_NAMES) <= set(ecsv["name"])
    votable = Table.read(io.BytesIO(_export(rater_client, "vot")), format="votable")
    assert set(SURVEY_NAMES) <= {str(n) for n in votable["name"]}
    fits_names = {
        str(n) for n in Table.read(io.BytesIO(_export(rater_client, "fits")))["name"]
    }
    assert set(SURVEY_NAMES[:3]) <= fits_names
    assert 'PSR "B0531+21", Crab ?' in fits_names
