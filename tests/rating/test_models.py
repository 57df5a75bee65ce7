"""One current rating per user per candidate; history of every change."""

import pytest
from django.db import IntegrityError, transaction

from rating.models import DEFAULT_TAGS, Label, Rating, Tag, save_rating
from tests.factories import CandidateFactory, UserFactory


@pytest.mark.django_db
def test_default_tags_exist_after_migrate():
    assert set(DEFAULT_TAGS) <= set(Tag.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_second_rating_row_for_same_user_and_candidate_is_refused_by_database():
    candidate, user = CandidateFactory(), UserFactory()
    Rating.objects.create(candidate=candidate, user=user, label=Label.TRUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(candidate=candidate, user=user, label=Label.FALSE)


@pytest.mark.django_db
def test_save_rating_updates_and_keeps_history():
    candidate, user = CandidateFactory(), UserFactory()
    tag = Tag.objects.get(name="Flaring star")
    save_rating(candidate, user, Label.UNSURE)
    rating = save_rating(candidate, user, Label.TRUE, tag=tag, notes="flare at 02:10")

    assert Rating.objects.filter(candidate=candidate, user=user).count() == 1
    assert (rating.label, rating.tag, rating.notes) == (
        Label.TRUE,
        tag,
        "flare at 02:10",
    )
    assert list(rating.history.values_list("label", flat=True)) == [
        Label.TRUE,
        Label.UNSURE,
    ]
