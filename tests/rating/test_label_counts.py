"""The trigger-kept label counts, and the summary figures read from them.

Runs on SQLite and on PostgreSQL (each has its own triggers).
"""

import itertools
import random
from collections import Counter

import pytest

from rating.consensus import consensus_of_ratings, disputed_of_ratings
from rating.label_counts import (
    CHART_FILTERS,
    CONSENSUS_FILTERS,
    KAPPA_FILTERS,
    chart_rows_from_counts,
    consensus_rows_from_counts,
    kappa_from_counts,
    selection_of,
)
from rating.models import (
    CandidateLabelCount,
    Label,
    RaterLabelCount,
    Rating,
    save_rating,
)
from rating.summary.figures import summary_figures
from rating.summary.filters import RatingFilter
from tests.factories import (
    CandidateFactory,
    ObservationFactory,
    ProjectFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def counts_in_tables():
    per_candidate = {
        row.candidate_id: (row.n_true, row.n_false, row.n_unsure)
        for row in CandidateLabelCount.objects.all()
    }
    per_rater = {
        (row.user_id, row.label, row.tag_key): row.n
        for row in RaterLabelCount.objects.all()
    }
    return per_candidate, per_rater


def counts_of_ratings():
    """What the tables must hold, counted in Python from the ratings."""
    labels = Counter()
    per_rater = Counter()
    for rating in Rating.objects.all():
        labels[rating.candidate_id, rating.label] += 1
        per_rater[rating.user_id, rating.label, rating.tag_id or 0] += 1
    candidates = {candidate for candidate, _ in labels}
    per_candidate = {
        candidate: tuple(labels[candidate, label] for label in Label.values)
        for candidate in candidates
    }
    return per_candidate, dict(per_rater)


def assert_counts_exact():
    assert counts_in_tables() == counts_of_ratings()


def test_every_write_path_keeps_the_counts_exact():
    observation = ObservationFactory()
    first, second = (CandidateFactory(beam__observation=observation) for _ in "ab")
    ada, ben = UserFactory(username="ada"), UserFactory(username="ben")
    flare = TagFactory(name="Flare")

    save_rating(first, ada, Label.TRUE, tag=flare)
    save_rating(first, ben, Label.TRUE)
    assert counts_in_tables() == (
        {first.pk: (2, 0, 0)},
        {(ada.pk, "true", flare.pk): 1, (ben.pk, "true", 0): 1},
    )

    save_rating(first, ada, Label.FALSE, tag=flare)  # relabelled
    save_rating(first, ben, Label.TRUE, notes="only the notes change")
    assert_counts_exact()
    assert counts_in_tables()[0] == {first.pk: (1, 1, 0)}

    Rating.objects.bulk_create(
        [Rating(candidate=second, user=user, label="unsure") for user in (ada, ben)]
    )
    Rating.objects.filter(candidate=second, user=ben).update(label="true", tag=flare)
    assert_counts_exact()

    flare.delete()  # ratings keep their label, lose the tag
    assert_counts_exact()
    assert not RaterLabelCount.objects.filter(tag_key=flare.pk).exists()

    Rating.objects.get(candidate=first, user=ada).delete()
    assert_counts_exact()
    ben.delete()  # cascades to his ratings
    assert_counts_exact()
    assert counts_in_tables() == (
        {second.pk: (0, 0, 1)},
        {(ada.pk, "unsure", 0): 1},
    )

    observation.delete()  # cascades to candidates and their ratings
    assert counts_in_tables() == ({}, {})


def test_no_rows_are_left_at_zero():
    candidate, user = CandidateFactory(), UserFactory()
    save_rating(candidate, user, Label.TRUE)
    Rating.objects.all().delete()
    assert not CandidateLabelCount.objects.exists()
    assert not RaterLabelCount.objects.exists()


@pytest.fixture
def random_ratings():
    """Random ratings over two projects, three observations, four raters, two tags."""
    generator = random.Random(20261128)
    projects = [ProjectFactory(slug=slug) for slug in ("survey", "other")]
    observations = [
        ObservationFactory(project=projects[number % 2], sbid=f"SB{number}")
        for number in range(3)
    ]
    candidates = [
        CandidateFactory(beam__observation=observations[number % 3])
        for number in range(24)
    ]
    users = [UserFactory(username=f"rater{number}") for number in range(4)]
    tags = [TagFactory(name=name) for name in ("Flare", "Noise")]
    for candidate in candidates:
        for user in generator.sample(users, generator.randint(0, len(users))):
            save_rating(
                candidate,
                user,
                generator.choice(Label.values),
                tag=generator.choice([None, *tags]),
            )
    return {
        "project": [project.slug for project in projects],
        "observation": [str(observation.pk) for observation in observations],
        "user": [user.username for user in users],
        "label": list(Label.values),
        "tag": [str(tag.pk) for tag in tags],
    }


def selections(names, values):
    """Every query string that sets a subset of `names` (one value each)."""
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(sorted(names), size):
            for picked in itertools.product(*(values[name] for name in chosen)):
                yield dict(zip(chosen, picked, strict=True))


def figures(query, use_counts, viewer):
    """The summary figures of `query`, read from the count tables where they
    can answer (`use_counts`) or always grouped from the ratings."""
    filterset = RatingFilter(query, queryset=Rating.objects.all(), user=viewer)
    selection = selection_of(filterset) if use_counts else None
    result = summary_figures(filterset.qs, selection)
    kappa = result.pop("kappa")
    return result, kappa


@pytest.mark.parametrize("names", [KAPPA_FILTERS, CHART_FILTERS])
def test_figures_from_counts_equal_figures_from_ratings(random_ratings, names, staff):
    for query in selections(names, random_ratings):
        from_counts, kappa_from_tables = figures(query, use_counts=True, viewer=staff)
        from_ratings, kappa = figures(query, use_counts=False, viewer=staff)
        assert from_counts == from_ratings, query  # totals and the three charts
        assert kappa_from_tables.candidates == kappa.candidates, query
        assert kappa_from_tables.ratings == kappa.ratings, query
        assert kappa_from_tables.rated_candidates == kappa.rated_candidates, query
        assert kappa_from_tables.kappa == pytest.approx(kappa.kappa), query


def by_candidate(rows):
    return sorted((dict(row) for row in rows), key=lambda row: row["candidate"])


def test_consensus_from_counts_equals_consensus_of_ratings(random_ratings, staff):
    seen_disputed = False
    for query in selections(CONSENSUS_FILTERS, random_ratings):
        filterset = RatingFilter(query, queryset=Rating.objects.all(), user=staff)
        selection = selection_of(filterset)
        assert by_candidate(consensus_rows_from_counts(selection)) == by_candidate(
            consensus_of_ratings(filterset.qs)
        ), query
        disputed = by_candidate(consensus_rows_from_counts(selection, disputed=True))
        assert disputed == by_candidate(disputed_of_ratings(filterset.qs)), query
        seen_disputed = seen_disputed or bool(disputed)
    assert seen_disputed, "the random ratings include disputed candidates"


def test_counts_answer_only_the_selections_they_can(random_ratings, staff):
    ada = {"user": "rater0"}
    dated = {"updated_after": "2020-01-01"}
    survey = {"project": "survey"}

    def selection(query):
        return selection_of(RatingFilter(query, Rating.objects.all(), user=staff))

    assert (
        selection_of(RatingFilter(None, Rating.objects.all(), user=staff)) == {}
    )  # no query
    assert kappa_from_counts(selection({})) is not None
    assert kappa_from_counts(selection(ada)) is None
    assert kappa_from_counts(selection(dated)) is None
    assert chart_rows_from_counts(selection(survey)) is None
    assert chart_rows_from_counts(selection(dated)) is None
    assert chart_rows_from_counts(selection({"label": "bogus"})) is None  # invalid
    assert consensus_rows_from_counts(selection({"label": "true"})) is None
    assert consensus_rows_from_counts(selection(ada)) is None
