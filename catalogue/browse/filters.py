"""The catalogue's FilterSet: every query-string filter of `/catalogue/` (SPEC §5).

Parameter names are part of the portal's URLs (bookmarks, the header search
box, "Rate & next", exports), so they are stable: `project`, `observation`,
`beam`, `deep_num`, `name`, `cone_ra`/`cone_dec`/`cone_radius`/`cone_unit`/
`cone_target`, `<column>_min`/`<column>_max` for every numeric column (in the
column's stored unit, see `catalogue.survey.columns`), `rating_status`, `my_label`,
`label`, `tag`, `consensus`, `disputed` and `best_beam` (default on).
"""

import copy

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from catalogue.browse.forms import (
    RADIUS_UNITS_ARCSEC,
    CatalogueFilterForm,
    DeclinationField,
    RightAscensionField,
)
from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.models import Candidate, Project
from catalogue.survey.sky import cone_search
from rating.consensus import filter_consensus_label, filter_disputed
from rating.models import Label, Rating, Tag

RATING_STATUS_CHOICES = (
    ("unrated", "Unrated"),
    ("rated", "Rated by anyone"),
    ("unrated_by_me", "Unrated by me"),
    ("rated_by_me", "Rated by me"),
)
CONE_TARGET_CHOICES = (
    ("candidate", "Candidate"),
    ("beam", "Beam centre"),
    ("deep", "Deep counterpart"),
)
BEST_BEAM_CHOICES = (("on", "Best beam only"), ("off", "All beams"))
_OFF_WORDS = {"off", "false", "0", "no", "all"}
_ON_WORDS = {"on", "true", "1", "yes"}


class BestBeamField(forms.ChoiceField):
    """ "on" (default, also when absent) or "off"; accepts true/false/1/0 too."""

    def to_python(self, value):
        value = (value or "on").strip().lower()
        if value in _OFF_WORDS:
            return "off"
        if value in _ON_WORDS:
            return "on"
        return value


class YesNoField(forms.NullBooleanField):
    """Optional yes/no from the query string: true/false, yes/no, on/off, 1/0."""

    widget = forms.Select(choices=(("", "Any"), ("true", "Yes"), ("false", "No")))

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text in _ON_WORDS:
            return True
        if text in _OFF_WORDS:
            return False
        return None


class RightAscensionFilter(django_filters.Filter):
    field_class = RightAscensionField


class DeclinationFilter(django_filters.Filter):
    field_class = DeclinationField


class FloatFilter(django_filters.Filter):
    field_class = forms.FloatField


class YesNoFilter(django_filters.Filter):
    field_class = YesNoField


class BestBeamFilter(django_filters.Filter):
    field_class = BestBeamField


class FilterCopies(dict):
    """A FilterSet's `base_filters` whose per-request deep copy is cheap.

    django-filter deep-copies every filter for each FilterSet instance
    (about 70 here, with their querysets and widgets), which cost more than
    the catalogue's queries. A filter's per-instance state is its `parent`
    and its method helper, so a shallow copy with its own `extra` dict and
    a method helper re-bound to the copy is a faithful copy.
    """

    def __deepcopy__(self, memo):
        return {name: _copy_filter(f) for name, f in self.items()}


def _copy_filter(original):
    copied = copy.copy(original)
    copied.extra = dict(original.extra)
    if original.method is not None:
        copied.method = original.method  # a FilterMethod bound to the copy
    return copied


def range_filters():
    """`<column>_min` / `<column>_max` filters for every numeric column."""
    filters = {}
    for column in NUMERIC_COLUMNS:
        unit = f" ({column.unit})" if column.unit else ""
        for suffix, lookup, word in (("min", "gte", "minimum"), ("max", "lte", "max")):
            # A float bound in the column's stored unit.
            filters[f"{column.name}_{suffix}"] = FloatFilter(
                field_name=column.name,
                lookup_expr=lookup,
                label=f"{column.name} {word}{unit}",
                help_text=column.help,
            )
    return filters


def rated_by(user=None):
    """Exists() of a rating of the outer candidate (by `user` if given)."""
    ratings = Rating.objects.filter(candidate=OuterRef("pk"))
    if user is not None:
        ratings = ratings.filter(user=user)
    return Exists(ratings)


class CandidateFilterSet(django_filters.FilterSet):
    """Catalogue filters; `user` decides the "by me" filters."""

    CONE_FIELDS = ("cone_ra", "cone_dec", "cone_radius", "cone_unit", "cone_target")

    project = django_filters.ModelChoiceFilter(
        method="filter_project",
        to_field_name="slug",
        queryset=Project.objects.all(),
        empty_label="All projects",
        label="Project",
    )
    observation = django_filters.CharFilter(
        method="filter_observation",
        label="Observation",
        help_text="SBID, e.g. SB50230",
        widget=forms.TextInput(
            attrs={"list": "observation-options", "placeholder": "SBID"}
        ),
    )
    beam = django_filters.NumberFilter(field_name="beam__index", label="Beam")
    deep_num = django_filters.NumberFilter(field_name="deep_num", label="Deep number")
    name = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label="Name contains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "J2214…"}),
    )
    cone_ra = RightAscensionFilter(
        method="skip",
        label="RA",
        help_text="deg, or sexagesimal hours (22:14:25.3)",
    )
    cone_dec = DeclinationFilter(
        method="skip",
        label="Dec",
        help_text="deg, or sexagesimal degrees (-45:12:00)",
    )
    cone_radius = FloatFilter(method="skip", label="Radius")
    cone_unit = django_filters.ChoiceFilter(
        choices=[(unit, unit) for unit in RADIUS_UNITS_ARCSEC],
        method="skip",
        empty_label=None,
        label="Unit",
        widget=forms.Select(attrs={"data-default": "arcsec"}),
    )
    cone_target = django_filters.ChoiceFilter(
        choices=CONE_TARGET_CHOICES,
        method="skip",
        empty_label=None,
        label="Around",
        widget=forms.Select(attrs={"data-default": "candidate"}),
    )
    rating_status = django_filters.ChoiceFilter(
        choices=RATING_STATUS_CHOICES,
        method="filter_rating_status",
        empty_label="All",
        label="Rating status",
    )
    my_label = django_filters.ChoiceFilter(
        choices=Label.choices,
        method="filter_my_label",
        empty_label="Any",
        label="My rating",
    )
    label = django_filters.ChoiceFilter(
        choices=Label.choices,
        method="filter_label",
        empty_label="Any",
        label="Any rating",
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(),
        method="filter_tag",
        empty_label="Any tag",
        label="Tag",
    )
    consensus = django_filters.ChoiceFilter(
        choices=Label.choices,
        method="filter_consensus",
        empty_label="Any",
        label="Consensus",
    )
    disputed = YesNoFilter(method="filter_disputed_flag", label="Disputed")
    best_beam = BestBeamFilter(
        method="skip",
        label="Beams",
        choices=BEST_BEAM_CHOICES,
        widget=forms.Select(attrs={"data-default": "on"}),
        required=False,
    )

    class Meta:
        model = Candidate
        fields = []
        form = CatalogueFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kw):
        super().__init__(data, queryset, request=request, **kw)
        self.user = user if user is not None else getattr(request, "user", None)

    @classmethod
    def _form_class(cls):
        if "_cached_form_class" not in cls.__dict__:
            fields = {
                name: _copy_filter(f).field for name, f in cls.base_filters.items()
            }
            cls._cached_form_class = type(
                f"{cls.__name__}Form", (cls._meta.form,), fields
            )
        return cls._cached_form_class

    def get_form_class(self):
        """One form class per FilterSet class, built once.

        django-filter builds a new form class (and every field) per request;
        the fields here do not depend on the request (choices from querysets
        are re-read each time the form is rendered), and the form copies its
        fields per instance anyway.
        """
        return self._form_class()

    @property
    def cone(self):
        """(ra_deg, dec_deg, radius_arcsec, target) of a valid cone, else None."""
        if not self.is_bound or not self.form.is_valid():
            return None
        cleaned = self.form.cleaned_data
        if self.form.cone_radius_arcsec is None:
            return None
        return (
            cleaned["cone_ra"],
            cleaned["cone_dec"],
            self.form.cone_radius_arcsec,
            cleaned.get("cone_target") or "candidate",
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("best_beam", "on") != "off":
            queryset = queryset.filter(is_best_beam=True)
        if self.cone is not None:
            queryset = cone_search(queryset, *self.cone[:3], target=self.cone[3])
        return queryset

    def skip(self, queryset, name, value):
        """Handled as a whole in `filter_queryset` (cone, best beam)."""
        return queryset

    def filter_project(self, queryset, name, project):
        # An id list rather than a join: PostgreSQL then estimates the rows
        # from observation_id statistics and can walk a sort index.
        observation_ids = list(project.observations.values_list("id", flat=True))
        return queryset.filter(observation_id__in=observation_ids)

    def filter_observation(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(observation_id=int(value))
        return queryset.filter(observation__sbid__iexact=value)

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


CandidateFilterSet.base_filters = FilterCopies(
    {**CandidateFilterSet.base_filters, **range_filters()}
)
