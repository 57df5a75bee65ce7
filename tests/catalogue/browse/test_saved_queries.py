"""Saved catalogue queries (filters, sort, columns), private or shared, and the
column choice in the URL."""

import pytest
from django.test import Client
from django.urls import reverse

from catalogue.browse.saved_queries import SavedQuery

LIST_URL = "/catalogue/"
SAVE_URL = "/catalogue/queries/"
QUERY = (
    "project=vast&chi_square_sigma_min=2&sort=-peak_map&columns=peak_map%2Cdeep_name"
)


@pytest.fixture
def alice(client, catalogue):
    client.force_login(catalogue.users["alice"])
    return catalogue.users["alice"]


def bob_client(catalogue):
    other = Client()
    other.force_login(catalogue.users["bob"])
    return other


def head_of_table(html):
    return html.split("<tbody>")[0].split("<thead")[1]


def test_columns_in_the_url_choose_the_shown_columns(client, alice, catalogue):
    html = client.get(f"{LIST_URL}?columns=peak_map,deep_name,bogus").content.decode()
    head = head_of_table(html)

    assert "Deep name" in head and "Peak (mJy)" in head
    assert "χ² σ" not in head  # a default column left out by the URL
    # Sort headers and candidate links keep the choice.
    assert "columns=peak_map%2Cdeep_name%2Cbogus" in head
    assert "columns=peak_map%2Cdeep_name%2Cbogus" in html.split("<tbody>")[1]
    # The filter form keeps it when filters are applied.
    assert 'name="columns" value="peak_map,deep_name,bogus"' in html


def test_a_saved_query_keeps_filters_sort_and_columns(client, alice, catalogue):
    response = client.post(
        SAVE_URL, {"name": " bright  vast ", "query": QUERY + "&page=3"}
    )

    saved = SavedQuery.objects.get()
    assert (saved.owner, saved.name, saved.shared) == (alice, "bright vast", False)
    assert saved.query == QUERY  # the page is not part of a query
    assert response["Location"] == f"{LIST_URL}?{QUERY}"
    html = client.get(LIST_URL).content.decode()
    assert f'href="{LIST_URL}?{QUERY.replace("&", "&amp;")}"' in html
    assert "private" in html


def test_private_queries_are_mine_shared_ones_everyones(client, alice, catalogue):
    client.post(SAVE_URL, {"name": "mine only", "query": "project=vast"})
    client.post(SAVE_URL, {"name": "for the team", "query": QUERY, "shared": "on"})

    bob_page = bob_client(catalogue).get(LIST_URL).content.decode()
    assert "for the team" in bob_page and "shared by alice" in bob_page
    assert "mine only" not in bob_page


def test_saving_under_the_same_name_replaces_my_query(client, alice, catalogue):
    client.post(SAVE_URL, {"name": "flares", "query": "project=vast"})
    client.post(SAVE_URL, {"name": "flares", "query": QUERY, "shared": "on"})

    saved = SavedQuery.objects.get()
    assert (saved.query, saved.shared) == (QUERY, True)


def test_bad_input_is_refused_and_changes_nothing(client, alice, catalogue):
    empty = client.post(SAVE_URL, {"name": "   ", "query": "project=vast"}, follow=True)
    long = client.post(SAVE_URL, {"name": "x" * 101, "query": "project=vast"})

    assert "The query was not saved" in empty.content.decode()
    assert long.status_code == 302
    assert not SavedQuery.objects.exists()


def test_only_the_owner_deletes(client, alice, catalogue):
    client.post(SAVE_URL, {"name": "shared", "query": QUERY, "shared": "on"})
    saved = SavedQuery.objects.get()
    url = reverse("catalogue:delete_query", args=[saved.pk])

    assert bob_client(catalogue).post(url).status_code == 404
    assert client.post(url, {"query": "project=vast"})["Location"] == (
        f"{LIST_URL}?project=vast"
    )
    assert not SavedQuery.objects.exists()


def test_saving_needs_login_post_and_csrf(catalogue):
    assert Client().post(SAVE_URL, {"name": "x"})["Location"].startswith("/accounts")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(catalogue.users["alice"])
    assert strict.post(SAVE_URL, {"name": "x"}).status_code == 403
    assert strict.get(SAVE_URL).status_code == 405
    assert not SavedQuery.objects.exists()


def test_names_and_queries_are_escaped(client, alice, catalogue):
    name = "<b>bold</b>"
    client.post(SAVE_URL, {"name": name, "query": 'name="><script>', "shared": "on"})

    html = client.get(LIST_URL).content.decode()

    assert name not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>" not in html.split("saved-queries")[1].split("</details>")[0]
