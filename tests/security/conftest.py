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


PROJECT_MEMBER_ROLES = {
    "viewer": "viewer",
    "rater": "rater",
    "uploader": "uploader",
    "project admin": "admin",
}


@pytest.fixture(params=[False, True], ids=["open", "restricted"])
def project_world(request, world, ingested, staff):
    """The demo project, open or restricted, with a user for each project role.

    Returns (world, users, keys, restricted): `users` maps each role
    ("non-member", "viewer", "rater", "uploader", "project admin", "staff")
    to a user, `keys` to the key of a token of that user naming the project.
    """
    from catalogue.access.models import Membership
    from tests.factories import UserFactory

    project = ingested.project
    project.is_restricted = request.param
    project.save(update_fields=["is_restricted"])
    users = {"non-member": UserFactory(username="outsider"), "staff": staff}
    for role, value in PROJECT_MEMBER_ROLES.items():
        user = UserFactory(username=role.replace(" ", "-"))
        Membership.objects.create(project=project, user=user, role=value)
        users[role] = user
    keys = {
        role: create_token(user, role, projects=[project])[1]
        for role, user in users.items()
    }
    bystander = UserFactory(username="bystander")
    return {**world, "bystander": bystander.pk}, users, keys, request.param
