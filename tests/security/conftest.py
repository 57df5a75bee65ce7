"""Fixtures for the security tests: real rows for every URL to point at."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from catalogue.api.tokens.service import create_token
from catalogue.survey.models import CandidateFile
from rating.models import Label, save_rating


@pytest.fixture
def world(ingested, media_root, rater, editor, staff):
    """Real rows to point URLs at: a demo candidate with files, a token, a document."""
    stored = (
        CandidateFile.objects.filter(kind="deepcutout_fits")
        .select_related("candidate")
        .first()
    )
    token, _ = create_token(rater)
    rating = save_rating(stored.candidate, rater, Label.TRUE)
    document = Document.objects.create(title="Demo notes")
    document.file.save("demo.txt", ContentFile(b"public notes"), save=True)
    return {
        "candidate": stored.candidate_id,
        "file_kind": "deepcutout_fits",
        "media_path": stored.file.name,
        "token": token.pk,
        "document": document.pk,
        "rating": rating.pk,
        "observation": ingested.pk,
        "project": ingested.project.slug,
    }
