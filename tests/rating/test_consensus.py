"""Consensus queryset helpers against hand-counted ratings."""

import pytest

from catalogue.survey.models import Candidate
from rating.consensus import annotate_agreement, filter_consensus_label, filter_disputed
from rating.models import Label, Rating
from tests.factories import CandidateFactory, UserFactory


def rate(candidate, *labels):
    for number, label in enumerate(labels):
        Rating.objects.create(
            candidate=candidate, user=UserFactory(username=f"u{number}"), label=label
        )


@pytest.mark.django_db
def test_majority_agreement_and_disputed():
    clear, tie, single, unrated = (CandidateFactory() for _ in range(4))
    rate(clear, Label.TRUE, Label.TRUE, Label.FALSE)
    rate(tie, Label.TRUE, Label.FALSE)
    rate(single, Label.UNSURE)

    agreement = dict(
        annotate_agreement(Candidate.objects.all()).values_list("pk", "agreement")
    )
    assert agreement[clear.pk] == pytest.approx(2 / 3)
    assert agreement[tie.pk] == pytest.approx(0.5)
    assert agreement[single.pk] == pytest.approx(1.0)
    assert agreement[unrated.pk] is None

    assert set(filter_consensus_label(Candidate.objects.all(), Label.TRUE)) == {clear}
    assert set(filter_consensus_label(Candidate.objects.all(), Label.UNSURE)) == {
        single
    }
    assert set(filter_disputed(Candidate.objects.all())) == {tie}
    assert set(filter_disputed(Candidate.objects.all(), threshold=0.7)) == {clear, tie}


@pytest.mark.django_db
def test_consensus_of_filtered_ratings():
    from rating.consensus import consensus_of_ratings, disputed_of_ratings

    clear, tie, single = (CandidateFactory() for _ in range(3))
    rate(clear, Label.TRUE, Label.TRUE, Label.FALSE)
    rate(tie, Label.TRUE, Label.FALSE)
    rate(single, Label.UNSURE)

    rows = {row["candidate"]: row for row in consensus_of_ratings(Rating.objects.all())}
    assert rows[clear.pk]["consensus"] == Label.TRUE
    assert rows[clear.pk]["agreement"] == pytest.approx(2 / 3)
    assert (rows[clear.pk]["n_true"], rows[clear.pk]["n_false"]) == (2, 1)
    assert rows[tie.pk]["consensus"] is None
    assert rows[single.pk]["consensus"] == Label.UNSURE
    assert rows[single.pk]["n_raters"] == 1

    disputed = disputed_of_ratings(Rating.objects.all())
    assert [row["candidate"] for row in disputed] == [tie.pk]

    # Only the selected ratings count: without u2 the clear case is unanimous.
    only_first_two = Rating.objects.filter(user__username__in=["u0", "u1"])
    rows = {row["candidate"]: row for row in consensus_of_ratings(only_first_two)}
    assert rows[clear.pk]["agreement"] == pytest.approx(1.0)
