"""Staff delete a rating after confirming; the deletion is logged (SPEC §7)."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from rating.models import Rating, RatingHistory


@pytest.fixture
def rating(rated):
    return rated["lone"].ratings.get()


def test_anonymous_is_sent_to_login(client, rating):
    url = reverse("ratings:delete", args=[rating.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Rating.objects.filter(pk=rating.pk).exists()


@pytest.mark.parametrize("role", ["rater", "editor"])
def test_non_staff_get_403_and_nothing_changes(client, rating, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("ratings:delete", args=[rating.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Rating.objects.filter(pk=rating.pk).exists()


def test_even_the_author_cannot_delete_without_staff(client, rating):
    client.force_login(rating.user)
    assert client.post(reverse("ratings:delete", args=[rating.pk])).status_code == 403
    assert Rating.objects.filter(pk=rating.pk).exists()


def test_staff_confirm_then_delete_and_it_is_logged(client, rating, staff):
    client.force_login(staff)
    url = reverse("ratings:delete", args=[rating.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert "Delete this rating?" in html
    assert "J000003-000003" in html
    assert Rating.objects.filter(pk=rating.pk).exists()  # GET changes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("ratings:summary")
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert not RatingHistory.objects.filter(rating_id=rating.pk).exists()
    assert Rating.objects.count() == 5

    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.user == staff
    assert entry.object_id == str(rating.pk)
    assert "J000003-000003" in entry.change_message
    assert "ada" in entry.change_message
    assert entry.action_time is not None


def test_missing_rating_is_404_for_staff(client, db, staff):
    client.force_login(staff)
    assert client.get(reverse("ratings:delete", args=[999999])).status_code == 404
