"""Consensus of raters on candidates, as queryset annotations (SPEC §5, §7).

A candidate's consensus label is the label most of its current ratings
carry (no consensus on a tie); its agreement is the fraction of raters who
chose that label. "Disputed" means at least two raters and agreement below
`DISPUTED_AGREEMENT`.
"""

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf

from rating.models import CandidateLabelCount, Label, Rating

DISPUTED_AGREEMENT = 2 / 3

LABEL_COUNT_FIELDS = {label: f"n_{label}" for label in Label.values}


def _count_of(label=None):
    ratings = Rating.objects.filter(candidate=OuterRef("pk"))
    if label is not None:
        ratings = ratings.filter(label=label)
    counted = ratings.order_by().values("candidate").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def annotate_label_counts(candidates):
    """Add `n_raters`, `n_true`, `n_false`, `n_unsure` (correlated subqueries)."""
    return candidates.annotate(
        n_raters=_count_of(),
        **{field: _count_of(label) for label, field in LABEL_COUNT_FIELDS.items()},
    )


def _top_share():
    """Share (0–1) of raters behind the most chosen label; NULL with no raters."""
    top = Greatest(*(F(field) for field in LABEL_COUNT_FIELDS.values()))
    return Cast(top, FloatField()) / NullIf(Cast(F("n_raters"), FloatField()), 0.0)


def annotate_agreement(candidates):
    """Add label counts and `agreement` (0–1; NULL when nobody rated)."""
    return annotate_label_counts(candidates).annotate(agreement=_top_share())


def _is_majority(label):
    """Q: `label` is counted at least once and more often than each other label."""
    field = LABEL_COUNT_FIELDS[label]
    condition = Q(**{f"{field}__gt": 0})
    for other in LABEL_COUNT_FIELDS.values():
        if other != field:
            condition &= Q(**{f"{field}__gt": F(other)})
    return condition


def filter_consensus_label(candidates, label):
    """Candidates whose ratings have `label` as strict majority."""
    return annotate_label_counts(candidates).filter(_is_majority(label))


def filter_disputed(candidates, threshold=DISPUTED_AGREEMENT):
    """Candidates with ≥ 2 raters whose agreement is below `threshold`."""
    counted = annotate_label_counts(candidates).filter(n_raters__gte=2)
    return counted.alias(top_share=_top_share()).filter(top_share__lt=threshold)


def consensus_candidate_ids(label):
    """Ids of candidates with `label` as strict majority, from the count table.

    Same rule as `filter_consensus_label`, but reads the trigger-kept
    `CandidateLabelCount` rows (one per rated candidate) instead of counting
    every candidate's ratings.
    """
    return CandidateLabelCount.objects.filter(_is_majority(label)).values(
        "candidate_id"
    )


def disputed_candidate_ids(threshold=DISPUTED_AGREEMENT):
    """Ids of disputed candidates (as `filter_disputed`), from the count table."""
    rows = consensus_of_label_counts(CandidateLabelCount.objects.all())
    return only_disputed(rows, threshold).values("candidate")


def _majority_label():
    """The label counted more often than each other one; NULL on a tie or no ratings."""
    whens = [
        When(_is_majority(label), then=Value(label)) for label in LABEL_COUNT_FIELDS
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def label_counts_per_candidate(ratings, total="n_raters"):
    """`ratings` grouped per candidate: `candidate`, the count `total` and
    `n_true`, `n_false`, `n_unsure` (one GROUP BY)."""
    return (
        ratings.order_by()
        .values("candidate")
        .annotate(
            **{total: Count("id")},
            **{
                field: Count("id", filter=Q(label=label))
                for label, field in LABEL_COUNT_FIELDS.items()
            },
        )
    )


def consensus_of_ratings(ratings):
    """One row per candidate rated in `ratings` (a `Rating` queryset).

    Rows are dicts with `candidate`, `n_raters`, `n_true`, `n_false`,
    `n_unsure`, `consensus` (majority label or None on a tie) and
    `agreement` (0–1), computed by one GROUP BY over the given ratings, so
    the consensus reflects exactly the ratings a filter selected.
    """
    return _with_consensus(label_counts_per_candidate(ratings))


def consensus_of_label_counts(counts):
    """`consensus_of_ratings` rows from a `CandidateLabelCount` queryset.

    The trigger-kept counts hold every current rating, so this is the
    consensus of all ratings of the candidates in `counts`, with no grouping.
    """
    fields = LABEL_COUNT_FIELDS.values()
    return _with_consensus(
        counts.values("candidate", *fields).annotate(
            n_raters=sum((F(field) for field in fields), Value(0))
        )
    )


def _with_consensus(rows):
    return rows.annotate(agreement=_top_share(), consensus=_majority_label())


def only_disputed(rows, threshold=DISPUTED_AGREEMENT):
    """Consensus rows with ≥ 2 raters and agreement below `threshold`."""
    return rows.filter(n_raters__gte=2, agreement__lt=threshold)


def disputed_of_ratings(ratings, threshold=DISPUTED_AGREEMENT):
    """`consensus_of_ratings` rows with ≥ 2 raters and agreement below `threshold`."""
    return only_disputed(consensus_of_ratings(ratings), threshold)
