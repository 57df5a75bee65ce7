"""`/auth/check`: the session check nginx's auth_request asks before Firefly."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_without_a_redirect(client):
    response = client.get("/auth/check")
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"
    assert response.content == b""


def test_logged_in_session_gets_200_with_two_queries(
    client, rater, django_assert_max_num_queries
):
    client.force_login(rater)
    with django_assert_max_num_queries(2):  # the session row and the user row
        response = client.get("/auth/check")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_inactive_user_is_refused(client, rater):
    client.force_login(rater)
    rater.is_active = False
    rater.save()
    assert client.get("/auth/check").status_code == 401
