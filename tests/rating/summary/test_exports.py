"""Downloads of the ratings summary: zip of CSVs and the training set."""

import csv
import io
import zipfile

import pytest
from astropy.io.votable import parse_single_table
from astropy.table import Table
from django.urls import reverse

from catalogue.survey.columns import COLUMN_NAMES
from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from rating.summary.exports import CONSENSUS_HEADER, FEATURE_NAMES, IDENTITY_HEADER
from tests.factories import TagFactory
from tests.rating.conftest import AWKWARD_NOTES

DOWNLOADS = [
    reverse("ratings:zip"),
    reverse("ratings:training_set", args=["csv"]),
    reverse("ratings:training_set", args=["votable"]),
]


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response)


@pytest.mark.parametrize("url", DOWNLOADS)
def test_anonymous_cannot_download(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ratings_zip_round_trips_awkward_notes(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:zip"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert sorted(archive.namelist()) == ["ratings.csv", "tags.csv"]

    text = archive.read("ratings.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 6
    lone = next(row for row in rows if row["candidate_name"] == "J000003-000003")
    assert lone["notes"] == AWKWARD_NOTES
    assert lone["user"] == "ada"
    assert lone["label"] == "unsure"
    assert lone["project"] == "other"
    assert lone["sbid"] == "SB2"
    assert float(lone["ra_deg"]) == pytest.approx(333.6)
    assert lone["updated_at"].startswith("20")

    tags = {
        row["name"]: row
        for row in csv.DictReader(io.StringIO(archive.read("tags.csv").decode()))
    }
    assert tags["Flare"]["ratings"] == "2"
    assert tags["Noise"]["ratings"] == "1"


def test_ratings_zip_follows_the_filters(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:zip") + "?user=ben")
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    rows = list(csv.DictReader(io.StringIO(archive.read("ratings.csv").decode())))
    assert {row["user"] for row in rows} == {"ben"}
    assert len(rows) == 2


def test_training_set_csv(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:training_set", args=["csv"]))
    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(_body(response).decode(), newline="")))
    assert len(rows) == 3
    header = list(rows[0])
    assert set(COLUMN_NAMES) <= set(header)
    assert header[-2:] == ["consensus_label", "agreement"]
    by_name = {row["name"]: row for row in rows}
    agreed = by_name["J000001-000001"]
    assert agreed["consensus_label"] == "true"
    assert float(agreed["agreement"]) == pytest.approx(2 / 3)
    assert (agreed["n_raters"], agreed["n_true"], agreed["n_false"]) == ("3", "2", "1")
    assert agreed["project"] == "survey"
    assert float(agreed["peak_map"]) == pytest.approx(0.004)
    assert by_name["J000002-000002"]["consensus_label"] == ""


def test_training_set_votable(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:training_set", args=["votable"]))
    assert response.status_code == 200
    assert response.streaming
    table = parse_single_table(io.BytesIO(_body(response))).to_table()
    assert len(table) == 3
    assert set(COLUMN_NAMES) <= set(table.colnames)
    assert str(table["ra"].unit) == "deg"
    assert str(table["peak_map"].unit) == "Jy"
    labels = dict(zip(table["name"], table["consensus_label"], strict=True))
    assert labels["J000001-000001"] == "true"
    assert labels["J000002-000002"] == ""
    assert table["peak_map"][0] == pytest.approx(0.004)
    assert table["deep_num"].mask.all()  # NULL in the database → masked
    assert table["md_deep"].mask.all()
    assert table["ra"].description.startswith("Right ascension")


def test_unknown_training_set_format_is_404(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:training_set", args=["xlsx"]))
    assert response.status_code == 404


def test_ratings_zip_text_cells_cannot_start_a_formula(client, rated, rater):
    lone, (ada, _, _) = rated["lone"], rated["users"]
    tag = TagFactory(name="+Formula")
    save_rating(lone, ada, Label.UNSURE, tag=tag, notes='=HYPERLINK("http://x")')
    client.force_login(rater)
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(reverse("ratings:zip")))))
    rows = list(csv.DictReader(io.StringIO(archive.read("ratings.csv").decode())))
    row = next(row for row in rows if row["candidate_name"] == lone.name)
    assert row["notes"] == '\'=HYPERLINK("http://x")'
    assert row["tag"] == "'+Formula"
    assert float(row["dec_deg"]) == lone.dec  # numbers stay numbers
    tags = list(csv.DictReader(io.StringIO(archive.read("tags.csv").decode())))
    assert "'+Formula" in {row["name"] for row in tags}


def test_training_set_guards_text_and_survives_control_characters(client, rated, rater):
    Candidate.objects.filter(pk=rated["lone"].pk).update(
        name="-J000003", deep_name="deep\x07\x1b[0m"
    )
    client.force_login(rater)
    text = _body(client.get(reverse("ratings:training_set", args=["csv"]))).decode()
    names = {row["name"] for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert "'-J000003" in names
    body = _body(client.get(reverse("ratings:training_set", args=["votable"])))
    table = Table.read(io.BytesIO(body), format="votable")
    lone = next(row for row in table if row["name"] == "-J000003")
    assert lone["deep_name"] == "deep\ufffd\ufffd[0m"


@pytest.mark.parametrize("export_format", ["csv", "votable"])
def test_empty_training_set_is_its_header(client, rated, rater, export_format):
    client.force_login(rater)
    url = reverse("ratings:training_set", args=[export_format])
    body = _body(client.get(url + "?label=true&user=cat"))
    if export_format == "csv":
        assert body.decode().splitlines() == [
            ",".join(IDENTITY_HEADER + FEATURE_NAMES + CONSENSUS_HEADER)
        ]
    else:
        assert len(Table.read(io.BytesIO(body), format="votable")) == 0
