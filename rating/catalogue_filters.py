"""The rating filters of the catalogue page, contributed to its FilterSet.

The catalogue lists survey data and knows nothing of ratings; `RatingConfig`'s
`ready()` registers `RatingFilters` with
`catalogue.browse.filters.register_filterset`, which adds these filters (in
this order, after the cone search) and their methods to the catalogue's
FilterSet. Query parameters: `rating_status`, `my_label` (the viewer's own
label), `label` (anyone's), `tag`, `consensus` and `disputed`.
"""

import django_filters
from django.db.models import Exists, OuterRef

from catalogue.browse.filters import YesNoFilter
from catalogue.survey.models import Candidate
from rating.consensus import filter_consensus_label, filter_disputed
from rating.models import Label, Rating, Tag

RATING_STATUS_CHOICES = (
    ("unrated", "Unrated"),
    ("rated", "Rated by anyone"),
    ("unrated_by_me", "Unrated by me"),
    ("rated_by_me", "Rated by me"),
)


def rated_by(user=None):
    """Exists() of a rating of the outer candidate (by `user` if given)."""
    ratings = Rating.objects.filter(candidate=OuterRef("pk"))
    if user is not None:
        ratings = ratings.filter(user=user)
    return Exists(ratings)


def label_filter(method, label):
    """A choice of rating label (true, false, unsure; empty for any)."""
    return django_filters.ChoiceFilter(
        choices=Label.choices, method=method, empty_label="Any", label=label
    )


class RatingFilters(django_filters.FilterSet):
    """Filters on ratings; the "by me" ones use the catalogue's `self.user`."""

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

    def filter_rating_status(self, queryset, name, value):
        if value in {"rated", "unrated"}:
            condition = rated_by()
        else:
            me = self._me()
            if me is None:
                return queryset.none() if value == "rated_by_me" else queryset
            condition = rated_by(me)
        if value.startswith("unrated"):
            return queryset.filter(~condition)
        return queryset.filter(condition)

    def filter_my_label(self, queryset, name, value):
        me = self._me()
        if me is None:
            return queryset.none()
        mine = Rating.objects.filter(candidate=OuterRef("pk"), user=me, label=value)
        return queryset.filter(Exists(mine))

    def filter_label(self, queryset, name, value):
        return queryset.filter(
            Exists(Rating.objects.filter(candidate=OuterRef("pk"), label=value))
        )

    def filter_tag(self, queryset, name, value):
        return queryset.filter(
            Exists(Rating.objects.filter(candidate=OuterRef("pk"), tag=value))
        )

    def filter_consensus(self, queryset, name, value):
        agreeing = filter_consensus_label(Candidate.objects.all(), value).values("pk")
        return queryset.filter(pk__in=agreeing)

    def filter_disputed_flag(self, queryset, name, value):
        disputed = filter_disputed(Candidate.objects.all()).values("pk")
        if value:
            return queryset.filter(pk__in=disputed)
        return queryset.exclude(pk__in=disputed)
