"""Media in S3-compatible object storage, behind the portal's permission check.

The object store is moto's S3 in server mode, started by this module on a
free loopback port: a stand-in for AWS S3 or any S3-compatible server
(none runs here). moto checks that a request is signed but not the
signature's arithmetic or expiry, so those are left to the real store. The
portal reaches it over HTTP with the production
storage settings (portal/settings/object_storage.py), and the test follows
the presigned URLs with a plain HTTP client, as a browser would.
"""

import os
import subprocess
import sys

import pytest
import requests
from django.urls import reverse

from catalogue.ingest.service import ingest_directory
from catalogue.survey.models import Candidate, CandidateFile, Observation
from portal.settings.object_storage import s3_media_origin, s3_media_storage
from tests.conftest import DEMO_SBID
from tests.deploy.conftest import REPO, free_port

BUCKET = "portal-media-test"
URL_EXPIRY_S = 60


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on loopback (a stand-in, see the module docstring)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_environ(s3_endpoint):
    """The variables an operator sets for the web containers, and a new bucket."""
    import boto3

    environ = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test-access-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-access-key",
        aws_secret_access_key="test-secret-key",
    )
    client.create_bucket(Bucket=BUCKET)
    yield environ, client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_ingested(settings, s3_environ, demo_source_dir, db):
    """The demo observation ingested with media in the bucket."""
    environ, client = s3_environ
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(environ, URL_EXPIRY_S),
    }
    settings.MEDIA_STORAGE_ORIGIN = s3_media_origin(environ)
    ingest_directory(demo_source_dir, "demo")
    return Observation.objects.get(sbid=DEMO_SBID), client


def fetch(url):
    """GET like a browser following a redirect to the object store."""
    session = requests.Session()
    session.trust_env = False  # straight to loopback, no proxy
    return session.get(url, timeout=30)


def test_ingest_writes_media_into_the_bucket(s3_ingested, demo_source_dir):
    observation, client = s3_ingested
    stored = CandidateFile.objects.filter(candidate__observation=observation)
    keys = {
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        for item in page.get("Contents", [])
    }
    assert stored.exists()
    assert {record.file.name for record in stored} <= keys
    one = stored.first()
    body = client.get_object(Bucket=BUCKET, Key=one.file.name)["Body"].read()
    assert len(body) == one.size


def test_media_needs_a_login_and_then_redirects_to_a_short_lived_signed_url(
    client, rater, s3_ingested, s3_endpoint
):
    observation, s3 = s3_ingested
    record = CandidateFile.objects.filter(
        candidate__observation=observation, kind="deepcutout_fits"
    ).first()
    path = f"/media/{record.file.name}"
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    client.force_login(rater)
    answer = client.get(path)
    assert answer.status_code == 302
    signed = answer["Location"]
    assert signed.startswith(f"{s3_endpoint}/{BUCKET}/")
    assert f"X-Amz-Expires={URL_EXPIRY_S}" in signed
    assert "X-Amz-Signature=" in signed
    assert answer["Cache-Control"] == "private, no-store"
    fetched = fetch(signed)
    assert fetched.status_code == 200
    assert fetched.content.startswith(b"SIMPLE  =")
    assert fetched.headers["Content-Type"] == "image/fits"
    assert len(fetched.content) == record.size

    # The bucket is private: the object's plain URL gives nothing.
    assert fetch(signed.split("?", 1)[0]).status_code == 403
    assert client.get("/media/SB00000/missing.fits").status_code == 404
    assert client.get("/media/../secret.txt").status_code == 404


def test_candidate_download_keeps_the_pipeline_file_name(client, rater, s3_ingested):
    observation, _ = s3_ingested
    candidate = (
        Candidate.objects.filter(observation=observation, files__kind="slices_fits")
        .order_by("id")
        .first()
    )
    client.force_login(rater)
    answer = client.get(reverse("rating:file", args=[candidate.pk, "slices_fits"]))
    assert answer.status_code == 302
    fetched = fetch(answer["Location"])
    assert fetched.status_code == 200
    disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "slices" in disposition and disposition.endswith('.fits"')
    assert fetched.content.startswith(b"SIMPLE  =")


def test_page_csp_allows_images_from_the_object_store(client, rater, s3_ingested):
    observation, _ = s3_ingested
    candidate = Candidate.objects.filter(observation=observation).first()
    client.force_login(rater)
    page = client.get(reverse("rating:candidate", args=[candidate.pk]))
    assert page.status_code == 200
    policy = dict(
        part.strip().split(" ", 1)
        for part in page["Content-Security-Policy"].split(";")
    )
    assert "http://127.0.0.1:" in policy["img-src"]


def test_production_settings_take_the_bucket_from_the_environment():
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="s3-settings-test-Qm3v8Lx2Rt7Zp5Wc9Yb1Nd4Hf6Jg0Ks-Ua_Ve3Xi7Oq2",
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="sqlite:////nonexistent/never-opened.sqlite3",
        AWS_STORAGE_BUCKET_NAME="survey-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        MEDIA_URL_EXPIRY_S="45",
    )
    script = (
        "import json, django; django.setup();"
        "from django.conf import settings;"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url,"
        " s.querystring_expire, s.file_overwrite, settings.MEDIA_STORAGE_ORIGIN]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '["S3Storage", "survey-media", "https://objects.example.org", 45, false,'
        ' "https://objects.example.org"]'
    )
