"""`manage.py setup_demo_pages` gives `make run` a populated site, once."""

import pytest
from django.core.management import call_command

from home.models import HomePage, ReleaseNotePage, ReleaseNotesIndexPage, StandardPage


@pytest.mark.django_db
def test_demo_pages_are_created_once(client):
    call_command("setup_demo_pages", stdout=None)
    call_command("setup_demo_pages", stdout=None)

    home = HomePage.objects.get()
    assert [block.block_type for block in home.body][:2] == ["heading", "paragraph"]
    assert StandardPage.objects.live().count() == 1
    assert ReleaseNotesIndexPage.objects.live().count() == 1
    assert sorted(ReleaseNotePage.objects.live().values_list("version", flat=True)) == [
        "0.1.0",
        "0.2.0",
    ]
    for url in ["/", "/project/", "/release-notes/", "/release-notes/v0-2-0/"]:
        assert client.get(url).status_code == 200, url
