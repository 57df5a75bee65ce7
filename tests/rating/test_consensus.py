"""Consensus queryset helpers against hand-counted ratings."""

import pytest

from catalogue.models import Candidate
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
