"""Fleiss' kappa: how much raters agree beyond chance.

Fleiss (1971) assumes every subject (candidate) got the same number of
ratings n. Raters here rate whatever they like, so candidates carry
different numbers of ratings; we use the standard generalisation in which
each candidate's observed agreement is computed with its own n_i:

    P_i  = (Σ_j n_ij² − n_i) / (n_i (n_i − 1))       (needs n_i ≥ 2)
    P̄    = mean of P_i over the candidates used
    p_j  = Σ_i n_ij / Σ_i n_i                        (share of label j)
    P̄_e  = Σ_j p_j²
    κ    = (P̄ − P̄_e) / (1 − P̄_e)

With equal n_i this is exactly Fleiss' formula. Candidates with fewer than
two ratings say nothing about agreement and are left out. κ is undefined
(None) when no candidate qualifies or when every rating carries the same
label (P̄_e = 1).
"""

from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast, NullIf

from rating.consensus import LABEL_COUNT_FIELDS, label_counts_per_candidate


@dataclass(frozen=True)
class KappaResult:
    """Fleiss' kappa (None when undefined) and how many candidates it used."""

    kappa: float | None
    candidates: int
    ratings: int
    rated_candidates: int | None = None  # all candidates rated at least once


def fleiss_kappa(table):
    """κ for `table`: one sequence of per-category counts per subject.

    Subjects with fewer than two ratings are skipped.
    """
    subjects = [list(row) for row in table if sum(row) >= 2]
    if not subjects:
        return KappaResult(None, 0, 0)
    observed = sum(
        (sum(n * n for n in row) - sum(row)) / (sum(row) * (sum(row) - 1))
        for row in subjects
    )
    per_category = [sum(column) for column in zip(*subjects, strict=True)]
    return _kappa(observed, per_category, len(subjects))


def _kappa(sum_observed, per_category, subjects):
    """κ from Σ P_i, the category totals and the number of subjects."""
    total = sum(per_category)
    expected = sum((count / total) ** 2 for count in per_category)
    mean_observed = sum_observed / subjects
    kappa = None if expected >= 1 else (mean_observed - expected) / (1 - expected)
    return KappaResult(kappa, subjects, total)


def fleiss_kappa_of_ratings(ratings):
    """κ for a `Rating` queryset, computed with two levels of SQL aggregation.

    The database groups the ratings per candidate (label counts), then sums
    over candidates (`kappa_of_label_counts`).
    """
    per_candidate = label_counts_per_candidate(ratings, total="n_ratings")
    return kappa_of_label_counts(
        per_candidate, [F(field) for field in LABEL_COUNT_FIELDS.values()]
    )


def kappa_of_label_counts(per_candidate, label_counts):
    """κ from a queryset of one row per rated candidate, in one SQL query.

    `per_candidate` carries `candidate` and `n_ratings` (its number of ratings);
    `label_counts` holds one expression per label giving the candidate's
    count of that label. The database computes each P_i (NULL for single
    ratings) and sums over candidates with ≥ 2 ratings; Python only combines
    a handful of totals. The same query counts every rated candidate
    (`rated_candidates`).
    """
    sum_of_squares = sum(count * count for count in label_counts)
    per_candidate = per_candidate.annotate(
        agreement_i=Cast(sum_of_squares - F("n_ratings"), FloatField())
        / NullIf(Cast(F("n_ratings") * (F("n_ratings") - 1), FloatField()), 0.0)
    )
    several = Q(n_ratings__gte=2)
    totals = per_candidate.aggregate(
        rated=Count("candidate"),
        subjects=Count("candidate", filter=several),
        sum_observed=Sum("agreement_i", filter=several),
        **{
            f"total_{number}": Sum(count, filter=several)
            for number, count in enumerate(label_counts)
        },
    )
    if not totals["subjects"]:
        return KappaResult(None, 0, 0, totals["rated"])
    per_category = [totals[f"total_{number}"] for number in range(len(label_counts))]
    result = _kappa(totals["sum_observed"], per_category, totals["subjects"])
    return KappaResult(result.kappa, result.candidates, result.ratings, totals["rated"])
