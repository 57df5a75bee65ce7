"""Catalogue-page benchmarks of the rating filters (run by `manage.py bench`).

Each times a GET of `/catalogue/?<filter>` (first page, default sort, count
included), target 80 ms median at 1,000,000 candidates and 100,000
ratings. The "by me" filters are timed as the rater with the most ratings
(a bench rater with some 5,000 of them, `rating.demo.synthetic`), since the
bench user itself rates nothing; with no ratings at all, as the bench user.
"""

from django.db.models import Count
from django.urls import reverse

from portal.benchmarking import BenchContext
from rating.models import Rating


def _as_busiest_rater(ctx):
    """`ctx` logged in as the user with the most ratings (or `ctx` itself)."""
    busiest = (
        Rating.objects.order_by()
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n", "user")
        .first()
    )
    if busiest is None:
        return ctx
    user = Rating.objects.filter(user=busiest["user"]).first().user
    return BenchContext(
        user=user, repeat=ctx.repeat, warmup=ctx.warmup, dataset=ctx.dataset
    )


def _time_filter(ctx, query):
    return ctx.time_get(f"{reverse('catalogue:list')}?{query}")


def bench_catalogue_filters_unrated(ctx):
    """Server time of `/catalogue/?rating_status=unrated` (ms)."""
    return _time_filter(ctx, "rating_status=unrated")


def bench_catalogue_filters_rated(ctx):
    """Server time of `/catalogue/?rating_status=rated` (ms)."""
    return _time_filter(ctx, "rating_status=rated")


def bench_catalogue_filters_unrated_by_me(ctx):
    """Server time of `?rating_status=unrated_by_me`, as a busy rater (ms)."""
    return _time_filter(_as_busiest_rater(ctx), "rating_status=unrated_by_me")


def bench_catalogue_filters_my_label_true(ctx):
    """Server time of `/catalogue/?my_label=true`, as a busy rater (ms)."""
    return _time_filter(_as_busiest_rater(ctx), "my_label=true")


def bench_catalogue_filters_consensus_true(ctx):
    """Server time of `/catalogue/?consensus=true` (ms)."""
    return _time_filter(ctx, "consensus=true")


def bench_catalogue_filters_disputed(ctx):
    """Server time of `/catalogue/?disputed=true` (ms)."""
    return _time_filter(ctx, "disputed=true")
