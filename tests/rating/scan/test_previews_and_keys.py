"""The cards' slices preview (peak plane, cached on disk) and the project's
tag keys (a model edited in the Wagtail admin)."""

import numpy as np
import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalogue.survey.models import CandidateFile
from rating.models import Tag
from rating.tag_keys import ProjectTagKey, keyed_tags
from rating.vetting.previews import peak_plane_index, preview_cache_dir
from tests.factories import ProjectFactory


def test_the_peak_plane_is_where_the_centre_is_brightest():
    cube = np.zeros((5, 16, 16))
    cube[3, 8, 8] = 10.0
    cube[1, 0, 0] = 50.0  # brighter, but at the edge: not the candidate
    cube[2, 7, 7] = np.nan
    assert peak_plane_index(cube) == 3
    assert peak_plane_index(np.full((3, 8, 8), np.nan)) == 0


def test_the_peak_preview_is_a_png_cached_on_disk(rater_client, demo_candidate):
    url = reverse("scan:peak_preview", args=[demo_candidate.pk])
    first = rater_client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert first.content.startswith(b"\x89PNG")
    cached = list(preview_cache_dir().rglob("*.png"))
    assert len(cached) == 1

    # With the shared cache emptied (a restart), the PNG comes from disk: the
    # FITS file, now unreadable, is not opened again.
    cache.clear()
    stored = demo_candidate.files.get(kind=CandidateFile.Kind.SLICES_FITS)
    with open(stored.file.path, "wb") as damaged:
        damaged.write(b"not FITS")
    again = rater_client.get(url)
    assert again.status_code == 200
    assert again.content == first.content == cached[0].read_bytes()


def test_a_candidate_without_a_cube_has_no_peak_preview(rater_client, rated):
    url = reverse("scan:peak_preview", args=[rated["agreed"].pk])
    assert rater_client.get(url).status_code == 404


def test_a_project_key_holds_one_tag_and_a_tag_one_key(db):
    project = ProjectFactory()
    first, second = Tag.objects.all()[:2]
    ProjectTagKey.objects.create(project=project, key=1, tag=first)
    for key, tag in ((1, second), (2, first), (10, second)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProjectTagKey.objects.create(project=project, key=key, tag=tag)
    ProjectTagKey.objects.create(project=project, key=3, tag=second)
    assert keyed_tags(project.pk) == {1: first, 3: second}
    assert list(keyed_tags(ProjectFactory().pk).values()) == list(
        Tag.objects.order_by("id")[:9]
    )


def test_staff_edit_the_tag_keys_in_the_wagtail_admin(client, staff):
    client.force_login(staff)
    project = ProjectFactory()
    tag = Tag.objects.first()
    response = client.post(
        reverse("cms_tag_keys:add"), {"project": project.pk, "key": 4, "tag": tag.pk}
    )
    assert response.status_code == 302
    assert keyed_tags(project.pk) == {4: tag}
    index = client.get(reverse("cms_tag_keys:index"))
    assert index.status_code == 200
    assert str(project) in index.content.decode()
