"""The catalogue's rating filters equal their definitions over the Rating rows.

`rating_status`, `consensus` and `disputed` read the trigger-kept label
counts; these tests recompute every filter value in Python from the current
`Rating` rows (after changed, moved and deleted ratings) and compare, on
SQLite and on PostgreSQL.
"""

from collections import Counter, defaultdict

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from catalogue.browse.pagination import EXACT_COUNT_LIMIT, count_rows
from catalogue.browse.querying import catalogue_filterset, filtered_candidates
from catalogue.survey.models import Candidate
from rating.consensus import DISPUTED_AGREEMENT
from rating.models import Label, Rating
from tests.factories import CandidateFactory, TagFactory, UserFactory

LABELS = [Label.TRUE, Label.FALSE, Label.UNSURE]
T, F, U = LABELS

# Per candidate: the labels of raters 0 (the viewer), 1, 2, 3 (None: no rating).
SPLITS = [
    (None, None, None, None),  # never rated
    (T, None, None, None),
    (None, F, None, None),
    (T, F, None, None),  # tie: no consensus, disputed (1/2)
    (T, T, F, None),  # 2/3 agree: consensus, not disputed
    (T, F, U, None),  # three-way tie: disputed
    (U, U, U, None),
    (F, F, T, U),  # consensus false at 1/2: disputed
    (None, T, T, T),
    (F, None, U, U),
    (U, T, None, None),
    (None, None, F, F),
]


@pytest.fixture
def rated_catalogue():
    """Candidates rated by four raters, then ratings changed, moved and deleted."""
    raters = UserFactory.create_batch(4)
    tags = TagFactory.create_batch(2)
    candidates = CandidateFactory.create_batch(len(SPLITS) + 2)
    for number, (candidate, split) in enumerate(zip(candidates, SPLITS, strict=False)):
        for rater, label in zip(raters, split, strict=True):
            if label is not None:
                tag = tags[number % 2] if rater != raters[0] else None
                Rating.objects.create(
                    candidate=candidate, user=rater, label=label, tag=tag
                )
    spare, deleted_later = candidates[-2:]
    # A rating given and deleted again; one whose candidate changes.
    Rating.objects.create(candidate=deleted_later, user=raters[1], label=T)
    Rating.objects.filter(candidate=deleted_later).delete()
    Rating.objects.filter(candidate=candidates[2], user=raters[1]).update(
        candidate=spare
    )
    # Changed labels: one by save(), a split turned into a tie by update().
    changed = Rating.objects.get(candidate=candidates[4], user=raters[1])
    changed.label = F
    changed.save()
    Rating.objects.filter(candidate=candidates[8], user=raters[3]).update(label=U)
    Rating.objects.filter(candidate=candidates[6], user=raters[2]).delete()
    return {"viewer": raters[0], "tags": tags, "candidates": candidates}


def expected(query_name, value, viewer):
    """The candidate ids a filter value selects, from the Rating rows."""
    everyone = set(CandidateFactory._meta.model.objects.values_list("id", flat=True))
    counts = defaultdict(Counter)
    mine = {}
    labels_of = defaultdict(set)
    tags_of = defaultdict(set)
    for rating in Rating.objects.all():
        counts[rating.candidate_id][rating.label] += 1
        labels_of[rating.candidate_id].add(rating.label)
        tags_of[rating.candidate_id].add(rating.tag_id)
        if viewer is not None and rating.user_id == viewer.id:
            mine[rating.candidate_id] = rating.label
    rated = set(counts)
    if query_name == "rating_status":
        return {
            "rated": rated,
            "unrated": everyone - rated,
            "rated_by_me": set(mine),
            "unrated_by_me": everyone - set(mine),
        }[value]
    if query_name == "my_label":
        return {pk for pk, label in mine.items() if label == value}
    if query_name == "label":
        return {pk for pk, labels in labels_of.items() if value in labels}
    if query_name == "tag":
        return {pk for pk, tags in tags_of.items() if value in tags}
    if query_name == "consensus":
        return {
            pk
            for pk, count in counts.items()
            if count[value] > 0
            and all(count[value] > count[other] for other in LABELS if other != value)
        }
    disputed = {
        pk
        for pk, count in counts.items()
        if count.total() >= 2
        and max(count.values()) / count.total() < DISPUTED_AGREEMENT
    }
    return disputed if value == "true" else everyone - disputed


def listed(query, user):
    candidates, errors = filtered_candidates(QueryDict(f"best_beam=off&{query}"), user)
    assert not errors
    return set(candidates.values_list("id", flat=True))


FILTER_VALUES = [
    *(("rating_status", status) for status in ("rated", "unrated")),
    *(("rating_status", status) for status in ("rated_by_me", "unrated_by_me")),
    *(("my_label", label) for label in LABELS),
    *(("label", label) for label in LABELS),
    *(("consensus", label) for label in LABELS),
    ("disputed", "true"),
    ("disputed", "false"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), FILTER_VALUES)
def test_rating_filter_equals_its_definition_over_the_ratings(
    rated_catalogue, name, value
):
    viewer = rated_catalogue["viewer"]
    selected = listed(f"{name}={value}", viewer)

    assert selected == expected(name, value, viewer)


@pytest.mark.django_db
def test_the_data_set_has_ties_disputes_and_unrated_candidates(rated_catalogue):
    viewer = rated_catalogue["viewer"]

    assert expected("disputed", "true", viewer)
    assert expected("rating_status", "unrated", viewer)
    # Rated candidates without a consensus: ties.
    with_consensus = set().union(
        *(expected("consensus", lab, viewer) for lab in LABELS)
    )
    assert expected("rating_status", "rated", viewer) - with_consensus


@pytest.mark.django_db
def test_tag_filter_equals_its_definition(rated_catalogue):
    viewer = rated_catalogue["viewer"]
    for tag in rated_catalogue["tags"]:
        assert listed(f"tag={tag.pk}", viewer) == expected("tag", tag.pk, viewer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "selects_all"),
    [("rated_by_me", False), ("unrated_by_me", True)],
)
def test_by_me_filters_for_an_anonymous_viewer(rated_catalogue, status, selects_all):
    everyone = listed("", AnonymousUser())

    selected = listed(f"rating_status={status}", AnonymousUser())

    assert selected == (everyone if selects_all else set())
    assert listed("my_label=true", AnonymousUser()) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["rating_status=rated", "rating_status=unrated", "consensus=true", "disputed=true"],
)
def test_anyones_ratings_are_read_from_the_label_counts(query):
    candidates, _errors = filtered_candidates(QueryDict(query), UserFactory())

    sql = str(candidates.query)

    assert "rating_candidatelabelcount" in sql
    assert "rating_rating" not in sql


# Filters whose candidates the count tables do not number: most of the table.
UNBOUNDED = {
    ("rating_status", "unrated"),
    ("rating_status", "unrated_by_me"),
    ("disputed", "false"),
}


def bound_of(query, user):
    filterset = catalogue_filterset(QueryDict(f"best_beam=off&{query}"), user)
    assert filterset.is_valid()
    return filterset.qs, filterset.count_at_most


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), FILTER_VALUES)
def test_rating_filters_bound_the_count_from_the_count_tables(
    rated_catalogue, name, value
):
    viewer = rated_catalogue["viewer"]

    candidates, at_most = bound_of(f"{name}={value}", viewer)

    if (name, value) in UNBOUNDED:
        assert at_most is None
    else:
        # Without other filters the bound is the exact count.
        assert at_most == candidates.count() == len(expected(name, value, viewer))


@pytest.mark.django_db
def test_several_bounds_keep_the_smallest(rated_catalogue):
    viewer = rated_catalogue["viewer"]
    _rated, rated_bound = bound_of("rating_status=rated", viewer)
    _disputed, disputed_bound = bound_of("disputed=true", viewer)

    _both, at_most = bound_of("rating_status=rated&disputed=true", viewer)

    assert at_most == min(rated_bound, disputed_bound) < rated_bound


@pytest.mark.django_db
def test_a_bound_counts_exactly_never_as_a_planner_estimate(
    rated_catalogue,
):
    candidates = Candidate.objects.all()
    total = candidates.count()

    assert count_rows(candidates, at_most=total)[:2] == (total, False)
    # Above the limit, too: a COUNT(*) under the cheap timeout, which these
    # few rows meet (past it the page would state the bound, "at most").
    large = count_rows(candidates, at_most=EXACT_COUNT_LIMIT + 1)
    assert (large.value, large.is_estimate) == (total, False)
