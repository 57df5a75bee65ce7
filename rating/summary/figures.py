"""Figures of the ratings summary page, as aggregate queries.

Every function takes the filtered `Rating` queryset, so the charts, counts
and kappa always describe the same selection as the table.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count

from rating.kappa import fleiss_kappa_of_ratings
from rating.label_counts import chart_rows_from_counts, kappa_from_counts
from rating.models import Label, Tag
from rating.summary.charts import bar_chart

TOP_BARS = 15  # bars per chart; the rest are summed into "others"


def _top(rows, limit=TOP_BARS):
    """Keep the `limit` largest (name, count) rows, summing the rest as "others"."""
    rows = list(rows)
    if len(rows) <= limit:
        return rows
    others = sum(count for _, count in rows[limit - 1 :])
    return rows[: limit - 1] + [(f"{len(rows) - limit + 1} others", others)]


def chart_rows_of_ratings(ratings):
    """(label, user id, tag id, count) rows of `ratings`, from one GROUP BY.

    Grouping by (label, user id, tag id) needs no join and yields at most
    labels × users × tags rows however many ratings there are.
    """
    return (
        ratings.order_by()
        .values_list("label", "user_id", "tag_id")
        .annotate(n=Count("id"))
    )


def chart_counts(rows):
    """Ratings per label, per user and per tag from (label, user, tag, n) rows.

    Python sums the rows per chart; two small queries name the users and tags.
    """
    per_label, per_user, per_tag = Counter(), Counter(), Counter()
    for label, user_id, tag_id, n in rows:
        per_label[label] += n
        per_user[user_id] += n
        per_tag[tag_id] += n
    usernames = dict(
        get_user_model()
        .objects.filter(pk__in=per_user)
        .values_list("pk", get_user_model().USERNAME_FIELD)
    )
    tag_names = dict(Tag.objects.filter(pk__in=per_tag).values_list("pk", "name"))
    tag_names[None] = "(no tag)"
    return {
        "label": [(label.label, per_label[label.value]) for label in Label],
        "user": _top(_by_count(per_user, usernames)),
        "tag": _top(_by_count(per_tag, tag_names)),
        "raters": len(per_user),
        "ratings": sum(per_label.values()),
    }


def _by_count(counter, names):
    """(name, count) pairs, largest count first, then by name."""
    named = ((names.get(key, str(key)), count) for key, count in counter.items())
    return sorted(named, key=lambda item: (-item[1], item[0]))


def summary_figures(ratings, selection=None):
    """Kappa, rated candidates, raters, ratings and the three charts.

    `ratings` is the filtered `Rating` queryset and `selection` the filters
    that made it (`label_counts.selection_of`; None when unknown). Figures
    the trigger-kept count tables can answer for that selection are read
    from them; the others group `ratings` (3–4 queries in all).
    """
    kappa = kappa_from_counts(selection)
    if kappa is None:
        kappa = fleiss_kappa_of_ratings(ratings)
    rows = chart_rows_from_counts(selection)
    counts = chart_counts(chart_rows_of_ratings(ratings) if rows is None else rows)
    return {
        "kappa": kappa,
        "totals": {
            "candidates": kappa.rated_candidates,
            "raters": counts["raters"],
            "ratings": counts["ratings"],
        },
        "charts": [
            bar_chart(f"Ratings per {name}", counts[name], f"chart-{name}s")
            for name in ("label", "user", "tag")
        ],
    }
