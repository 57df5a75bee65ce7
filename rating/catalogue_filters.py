"""The rating filters of the catalogue page, contributed to its FilterSet.

The catalogue lists survey data and knows nothing of ratings; `RatingConfig`'s
`ready()` registers `RatingFilters` with
`catalogue.browse.filters.register_filterset`, which adds these filters (in
this order, after the cone search) and their methods to the catalogue's
FilterSet. Query parameters: `rating_status` (its "needs_ratings" value is
the rating queue of `rating.policy`), `my_label` (the viewer's own
label), `label` (anyone's), `tag`, `consensus` and `disputed`.

At a million candidates no filter may count ratings per candidate. "Rated",
"unrated", consensus and disputed read the trigger-kept `CandidateLabelCount`
rows (one per candidate with at least one rating, with its counts per
label); the viewer's own filters read the viewer's ratings through the
(user, candidate) index.
"""

import django_filters
from django.db.models import Exists, OuterRef

from catalogue.browse.filters import YesNoFilter
from rating.consensus import (
    LABEL_COUNT_FIELDS,
    consensus_candidate_ids,
    disputed_candidate_ids,
)
from rating.models import CandidateLabelCount, Label, Rating, Tag
from rating.policy import needs_ratings

RATING_STATUS_CHOICES = (
    ("unrated", "Unrated"),
    ("rated", "Rated by anyone"),
    ("unrated_by_me", "Unrated by me"),
    ("rated_by_me", "Rated by me"),
    ("needs_ratings", "Needs ratings (queue)"),
)


def rated_by_anyone():
    """Exists() of the outer candidate's label counts: it has a rating."""
    return Exists(CandidateLabelCount.objects.filter(candidate=OuterRef("pk")))


def label_filter(method, label):
    """A choice of rating label (true, false, unsure; empty for any)."""
    return django_filters.ChoiceFilter(
        choices=Label.choices, method=method, empty_label="Any", label=label
    )


class RatingFilters(django_filters.FilterSet):
    """Filters on ratings; the "by me" ones use the catalogue's `self.user`.

    Those that select rated candidates only also bound the page's count
    (`bound_count`); "unrated", "unrated by me" and "not disputed" select
    most of the table and give no bound.
    """

    rating_status = django_filters.ChoiceFilter(
        choices=RATING_STATUS_CHOICES,
        method="filter_rating_status",
        empty_label="All",
        label="Rating status",
    )
    my_label = label_filter("filter_my_label", "My rating")
    label = label_filter("filter_label", "Any rating")
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(),
        method="filter_tag",
        empty_label="Any tag",
        label="Tag",
    )
    consensus = label_filter("filter_consensus", "Consensus")
    disputed = YesNoFilter(method="filter_disputed_flag", label="Disputed")

    def _me(self):
        user = self.user
        return user if user is not None and user.is_authenticated else None

    def _at_most(self, rows):
        """Tell the catalogue that at most `rows.count()` candidates match.

        `rows` (count-table rows or the viewer's ratings) are counted without
        touching the candidate table, so the page can count exactly when the
        bound is small and never shows an estimate above it.
        """
        self.bound_count(rows.count())

    def filter_rating_status(self, queryset, name, value):
        if value == "rated":
            self._at_most(CandidateLabelCount.objects.all())
            return queryset.filter(rated_by_anyone())
        if value == "unrated":
            return queryset.filter(~rated_by_anyone())
        me = self._me()
        if me is None:
            return queryset.none() if value == "rated_by_me" else queryset
        if value == "needs_ratings":
            # Below the project's target, not rated by me (`rating.policy`).
            return needs_ratings(queryset, me)
        mine = Rating.objects.filter(user=me)
        if value == "rated_by_me":
            self._at_most(mine)
            return queryset.filter(Exists(mine.filter(candidate=OuterRef("pk"))))
        # NOT IN over the viewer's ratings (one pass over the (user,
        # candidate) index into a hashed subplan); NOT EXISTS may be planned
        # as an anti-join reading every rater's ratings.
        return queryset.exclude(pk__in=mine.values("candidate_id"))

    def filter_my_label(self, queryset, name, value):
        me = self._me()
        if me is None:
            return queryset.none()
        mine = Rating.objects.filter(user=me, label=value)
        self._at_most(mine)
        return queryset.filter(Exists(mine.filter(candidate=OuterRef("pk"))))

    def filter_label(self, queryset, name, value):
        self._at_most(
            CandidateLabelCount.objects.filter(
                **{f"{LABEL_COUNT_FIELDS[value]}__gt": 0}
            )
        )
        return queryset.filter(
            Exists(Rating.objects.filter(candidate=OuterRef("pk"), label=value))
        )

    def filter_tag(self, queryset, name, value):
        tagged = Rating.objects.filter(tag=value)
        self._at_most(tagged)
        return queryset.filter(Exists(tagged.filter(candidate=OuterRef("pk"))))

    def filter_consensus(self, queryset, name, value):
        agreeing = consensus_candidate_ids(value)
        self._at_most(agreeing)
        return queryset.filter(pk__in=agreeing)

    def filter_disputed_flag(self, queryset, name, value):
        disputed = disputed_candidate_ids()
        if value:
            self._at_most(disputed)
            return queryset.filter(pk__in=disputed)
        return queryset.exclude(pk__in=disputed)
