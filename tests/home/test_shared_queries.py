"""The home page lists the team's shared catalogue queries, never private ones."""

import pytest

from catalogue.browse.saved_queries import save_query
from tests.factories import UserFactory


@pytest.mark.django_db
def test_shared_queries_are_listed_on_the_home_page(client, rater, home):
    ada = UserFactory(username="ada")
    save_query(ada, "bright flares", "chi_square_sigma_min=5&sort=-peak_map", True)
    save_query(ada, "ada's own", "project=vast", False)
    client.force_login(rater)

    html = client.get("/").content.decode()

    assert "data-shared-query" in html and "bright flares" in html
    assert 'href="/catalogue/?chi_square_sigma_min=5&amp;sort=-peak_map"' in html
    assert "by ada" in html
    assert "ada&#x27;s own" not in html and "ada's own" not in html
