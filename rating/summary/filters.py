"""Filters of the ratings summary, kept in the URL query string.

The same filter set drives the ratings table, the charts, the consensus and
disputed lists, Fleiss' kappa and the downloads, so every figure on the page
describes exactly the ratings the user selected.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from catalogue.access.rules import (
    access_for,
    visible_observations,
    visible_projects,
    visible_ratings,
)
from catalogue.survey.models import Observation, Project
from rating.models import Label, Rating, Tag


def rated_users(request, ratings=None):
    """Users who have rated something, by name (choices of the user filter);
    `ratings` narrows it to the ratings the viewer may see."""
    ratings = Rating.objects.all() if ratings is None else ratings
    has_rated = ratings.filter(user=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(has_rated)).order_by("username")


class RatingFilter(django_filters.FilterSet):
    """Project, observation, user, label, tag and a date range (last change)."""

    project = django_filters.ModelChoiceFilter(
        label="Project",
        field_name="candidate__observation__project",
        queryset=Project.objects.all(),
        to_field_name="slug",
        empty_label="All projects",
    )
    observation = django_filters.ModelChoiceFilter(
        label="Observation",
        field_name="candidate__observation",
        queryset=Observation.objects.select_related("project"),
        empty_label="All observations",
    )
    user = django_filters.ModelChoiceFilter(
        label="Rater",
        queryset=rated_users,
        to_field_name="username",
        empty_label="All raters",
    )
    label = django_filters.ChoiceFilter(choices=Label.choices, empty_label="Any label")
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), empty_label="Any tag"
    )
    updated = django_filters.DateFromToRangeFilter(
        field_name="updated_at",
        label="Rated between",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Rating
        fields = ["project", "observation", "user", "label", "tag", "updated"]

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kw):
        # Who may see what is decided here for every summary tab, chart and
        # download: ratings of projects hidden from the user are gone first.
        # `user` for a caller without a request; with neither, nothing shows.
        user = user if user is not None else getattr(request, "user", None)
        queryset = Rating.objects.all() if queryset is None else queryset
        super().__init__(data, visible_ratings(user, queryset), request=request, **kw)
        access = access_for(user)
        # Read by `rating.label_counts.selection_of`: the count tables then
        # leave these projects out too, or are not used.
        self.hidden_project_ids = () if access.sees_everything else access.hidden_ids
        if self.hidden_project_ids:
            self.filters["project"].queryset = visible_projects(user)
            self.filters["observation"].queryset = visible_observations(
                user, Observation.objects.select_related("project")
            )
            self.filters["user"].queryset = rated_users(
                request, visible_ratings(user, Rating.objects.all())
            )
