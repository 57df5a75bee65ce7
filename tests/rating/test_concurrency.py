"""Two simultaneous submissions of the same rater: one rating, no error page.

Runs on PostgreSQL only (SQLite serialises writers with a file lock, so the
race this guards against cannot happen there).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from rating.models import Rating, RatingHistory
from tests.factories import CandidateFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_ratings_leave_one_row_and_two_history_entries(attempt):
    candidate, user = CandidateFactory(), UserFactory()
    url = reverse("rating:rate", args=[candidate.pk])
    start = threading.Barrier(2)
    statuses = []

    def submit(label):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            statuses.append(
                client.post(url, {"label": label, "action": "save"}).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(label,)) for label in ("true", "false")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    rating = Rating.objects.get(candidate=candidate, user=user)
    assert rating.label in {"true", "false"}
    assert RatingHistory.objects.filter(rating=rating).count() == 2
    assert RatingHistory.objects.filter(rating=rating).first().label == rating.label
