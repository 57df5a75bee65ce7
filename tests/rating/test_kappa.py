"""Fleiss' kappa against hand-computed cases and the Fleiss (1971) example."""

import pytest

from catalogue.survey.models import Candidate
from rating.kappa import fleiss_kappa, fleiss_kappa_of_ratings
from rating.models import Label, Rating
from tests.factories import CandidateFactory, UserFactory

# Fleiss (1971) as worked on Wikipedia's "Fleiss' kappa" page:
# 10 subjects, 14 raters each, 5 categories; κ = 0.210.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_textbook_example():
    result = fleiss_kappa(FLEISS_1971)
    assert result.kappa == pytest.approx(0.20993, abs=1e-5)
    assert result.candidates == 10
    assert result.ratings == 140


def test_perfect_agreement_on_different_labels_is_one():
    assert fleiss_kappa([[3, 0, 0], [0, 3, 0], [0, 0, 2]]).kappa == pytest.approx(1.0)


def test_single_label_everywhere_is_undefined():
    result = fleiss_kappa([[3, 0, 0], [2, 0, 0]])
    assert result.kappa is None
    assert result.candidates == 2


def test_single_raters_are_left_out():
    # Only the two-rater subjects count: P̄ = (1 + 0) / 2, p = (3/4, 1/4).
    result = fleiss_kappa([[2, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])
    expected_chance = (3 / 4) ** 2 + (1 / 4) ** 2
    assert result.candidates == 2
    assert result.kappa == pytest.approx(
        (0.5 - expected_chance) / (1 - expected_chance)
    )


def test_varying_raters_per_candidate():
    # Hand computation: P_1 = (4+1-3)/6 = 1/3, P_2 = (4-2)/2 = 1,
    # P̄ = 2/3; p = (4/5, 1/5, 0); P̄e = 0.68; κ = (2/3 - 0.68) / 0.32.
    result = fleiss_kappa([[2, 1, 0], [2, 0, 0]])
    assert result.kappa == pytest.approx((2 / 3 - 0.68) / 0.32)


def test_nobody_rated_twice():
    assert fleiss_kappa([[1, 0, 0]]) == fleiss_kappa([])
    assert fleiss_kappa([]).kappa is None


def _rate(candidate, labels):
    for number, label in enumerate(labels):
        Rating.objects.create(
            candidate=candidate, user=UserFactory(username=f"r{number}"), label=label
        )


@pytest.mark.django_db
def test_sql_kappa_matches_python_kappa_with_ties_and_single_raters():
    table = [[2, 1, 0], [1, 1, 0], [0, 0, 3], [1, 0, 0], [0, 2, 1], [1, 1, 1]]
    for counts in table:
        labels = [
            label
            for label, n in zip(Label.values, counts, strict=True)
            for _ in range(n)
        ]
        _rate(CandidateFactory(), labels)
    in_sql = fleiss_kappa_of_ratings(Rating.objects.all())
    in_python = fleiss_kappa(table)
    assert in_sql.candidates == in_python.candidates == 5
    assert in_sql.ratings == in_python.ratings == 14
    assert in_sql.kappa == pytest.approx(in_python.kappa)
    assert Candidate.objects.count() == 6


@pytest.mark.django_db
def test_sql_kappa_of_no_ratings():
    assert fleiss_kappa_of_ratings(Rating.objects.all()).kappa is None
