"""Ratings summary benchmarks (wired into `rating/benchmarks.py` by the lead).

Target: the ratings summary page ≤ 150 ms median server time at
100,000 ratings.
"""

from django.urls import reverse


def bench_ratings_summary(ctx):
    """`/ratings/`: table page, totals, Fleiss' kappa and three charts."""
    return ctx.time_get(reverse("ratings:summary"))


def bench_ratings_summary_filtered(ctx):
    """`/ratings/` for one label, sorted by candidate name."""
    return ctx.time_get(reverse("ratings:summary") + "?label=true&sort=candidate")


def bench_ratings_consensus(ctx):
    """`/ratings/consensus/`: per-candidate consensus, least agreement first."""
    return ctx.time_get(reverse("ratings:consensus"))


def bench_ratings_disputed(ctx):
    """`/ratings/consensus/?disputed=1`: candidates below the agreement threshold."""
    return ctx.time_get(reverse("ratings:consensus") + "?disputed=1")


def bench_ratings_zip_export(ctx):
    """`ratings.zip` of all 100,000 ratings, streamed to the end."""
    return ctx.time_get(reverse("ratings:zip"), repeat=3, stream=True)


def bench_training_set_csv_export(ctx):
    """Training set CSV: every rated candidate's features + consensus."""
    url = reverse("ratings:training_set", args=["csv"])
    return ctx.time_get(url, repeat=3, stream=True)
