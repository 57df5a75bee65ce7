"""RSS and Atom feeds of release notes: well-formed XML, newest first."""

import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_rss_feed_lists_release_notes_newest_first(client, notes, release_index):
    response = client.get(release_index.url + "feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "1.2.0: Release 1.2.0",
        "1.1.0: Release 1.1.0",
        "1.0.0: Release 1.0.0",
    ]
    assert items[0].findtext("link") == "http://testserver/release-notes/v1-2-0/"
    assert "Faster catalogue paging." in items[0].findtext("description")
    assert items[0].findtext("pubDate").startswith("Mon, 01 Jun 2026")


@pytest.mark.django_db
def test_atom_feed_lists_release_notes_newest_first(client, notes, release_index):
    response = client.get(release_index.url + "feed/atom/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "1.2.0: Release 1.2.0",
        "1.1.0: Release 1.1.0",
        "1.0.0: Release 1.0.0",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        "http://testserver/release-notes/v1-2-0/"
    )
    assert entries[0].findtext(f"{ATOM}published").startswith("2026-06-01")


@pytest.mark.django_db
def test_feed_leaves_out_unpublished_notes(client, notes, release_index):
    notes[0].unpublish()

    channel = ET.fromstring(client.get(release_index.url + "feed/").content)

    titles = [item.findtext("title") for item in channel.iter("item")]
    assert titles == ["1.2.0: Release 1.2.0", "1.1.0: Release 1.1.0"]
