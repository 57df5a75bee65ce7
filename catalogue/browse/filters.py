"""The catalogue's FilterSet: every query-string filter of `/catalogue/`.

Parameter names are part of the portal's URLs (bookmarks, the header search
box, "Rate & next", exports), so they are stable: `project`, `observation`,
`beam`, `deep_num`, `name`, `cone_ra`/`cone_dec`/`cone_radius`/`cone_unit`/
`cone_target`, `<column>_min`/`<column>_max` for every numeric column (in the
unit the table shows it in, e.g. mJy for fluxes stored in Jy, see
`catalogue.browse.display_units`; the filter converts exactly), `best_beam`
(default on), and the filters other apps contribute.

Contributions keep the catalogue free of the apps above it: an app passes a
FilterSet of its own filters (with their `method=` methods) to
`register_filterset()` from its `AppConfig.ready()`; the rating app adds
`rating_status`, `my_label`, `label`, `tag`, `consensus` and `disputed`
(`rating.catalogue_filters`). `candidate_filterset_class()` composes the
survey filters with every contribution once, after all apps are ready;
`CandidateFilterSet` is the same class.
"""

import functools

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

from catalogue.access.rules import access_for, visible_candidates, visible_projects
from catalogue.browse.adapters.django_filter import FilterCopies, FormClassPerFilterSet
from catalogue.browse.display_units import display_unit
from catalogue.browse.forms import (
    RADIUS_UNITS_ARCSEC,
    CatalogueFilterForm,
    DeclinationField,
    DisplayUnitField,
    RightAscensionField,
)
from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.models import MAX_BEAM_INDEX, Candidate, Project
from catalogue.survey.sky import cone_search

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


class DisplayUnitFilter(django_filters.Filter):
    """A column bound typed in the display unit, cleaned to the stored one."""

    field_class = DisplayUnitField


class YesNoFilter(django_filters.Filter):
    field_class = YesNoField


class BestBeamFilter(django_filters.Filter):
    field_class = BestBeamField


def range_filters():
    """`<column>_min` / `<column>_max` filters for every numeric column,
    each taking the column's display unit (inclusive bounds)."""
    filters = {}
    for column in NUMERIC_COLUMNS:
        shown = display_unit(column.name)
        unit = f" ({shown.unit})" if shown.unit else ""
        for suffix, lookup, word in (("min", "gte", "minimum"), ("max", "lte", "max")):
            filters[f"{column.name}_{suffix}"] = DisplayUnitFilter(
                field_name=column.name,
                lookup_expr=lookup,
                label=f"{column.name} {word}{unit}",
                help_text=column.help,
                display=shown,
            )
    return filters


class SurveyFilterSet(FormClassPerFilterSet, django_filters.FilterSet):
    """The survey's own filters; `user` is the viewer, for contributed filters.

    Not used alone: `candidate_filterset_class()` adds the column ranges and
    the contributed filters.
    """

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
    beam = django_filters.NumberFilter(
        field_name="beam__index",
        label="Beam",
        min_value=0,
        max_value=MAX_BEAM_INDEX,
        help_text=f"0–{MAX_BEAM_INDEX}",
    )
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
        user = user if user is not None else getattr(request, "user", None)
        # Who may see what is decided here, once, for every catalogue listing,
        # export and "Rate & next": rows of projects hidden from the user are
        # gone before any filter runs, and so is the project from the choices.
        queryset = visible_candidates(user, queryset)
        super().__init__(data, queryset, request=request, **kw)
        self.user = user
        self.count_at_most = None
        if not access_for(user).sees_everything and "project" in self.form.fields:
            self.form.fields["project"].queryset = visible_projects(user)

    def bound_count(self, most):
        """Record that at most `most` candidates can match (a contributed
        filter that knows its candidates' number cheaply, e.g. from a count
        table); `count_at_most` keeps the smallest bound, for the paginator."""
        if self.count_at_most is None or most < self.count_at_most:
            self.count_at_most = most

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
        # (Unordered: the model's order would join the project to sort.)
        observation_ids = list(
            project.observations.order_by().values_list("id", flat=True)
        )
        return queryset.filter(observation_id__in=observation_ids)

    def filter_observation(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(observation_id=int(value))
        return queryset.filter(observation__sbid__iexact=value)


# Contributed filters sit between the survey's cone filters and this one
# (the beam choice), so the panel and the form keep their order.
CONTRIBUTIONS_BEFORE = "best_beam"
_contributions = []


def register_filterset(filterset_class):
    """Add `filterset_class`'s declared filters to the catalogue's FilterSet.

    Call from an `AppConfig.ready()`. The contribution's filters follow the
    cone filters, in declaration order (contributions in registration
    order); its methods run on the composed FilterSet, so they see
    `self.user`, the viewer (None or anonymous when nobody is logged in).
    The composed class is built once, so a contribution after that raises.
    """
    if candidate_filterset_class.cache_info().currsize:
        raise ImproperlyConfigured(
            f"{filterset_class.__name__} registered after the catalogue FilterSet "
            "was composed: register it from an AppConfig.ready()."
        )
    _contributions.append(filterset_class)


def compose_filterset(contributions):
    """A `SurveyFilterSet` with the column ranges and `contributions` added.

    A parameter name is a URL, so a contribution may not take one already
    used (it would silently replace a filter).
    """
    contributed = {}
    for contribution in contributions:
        for name, f in contribution.declared_filters.items():
            if name in SurveyFilterSet.declared_filters or name in contributed:
                raise ImproperlyConfigured(
                    f"{contribution.__name__} declares `{name}`, already a "
                    "catalogue filter."
                )
            contributed[name] = f
    composed = type(
        "CandidateFilterSet",
        (SurveyFilterSet, *contributions),
        {"__module__": __name__, "__doc__": "Survey and contributed filters."},
    )
    survey = list(SurveyFilterSet.declared_filters.items())
    split = [name for name, _ in survey].index(CONTRIBUTIONS_BEFORE)
    composed.base_filters = FilterCopies(
        {
            **dict(survey[:split]),
            **contributed,
            **dict(survey[split:]),
            **range_filters(),
        }
    )
    return composed


@functools.cache
def candidate_filterset_class():
    """The catalogue's FilterSet (survey and contributed filters), built once."""
    if not apps.ready:
        raise AppRegistryNotReady(
            "The catalogue FilterSet is composed once every app is ready, so "
            "that every AppConfig.ready() has registered its filters."
        )
    return compose_filterset(_contributions)


def given_filters(params):
    """Names of the catalogue filters whose fields `params` (a QueryDict) give.

    A filter whose field is absent from the query string cleans to an empty
    value, which every catalogue filter skips (the beam choice's default is
    applied by the FilterSet itself), so the others decide the result.
    """
    fields = candidate_filterset_class().cached_form_class().base_fields
    return frozenset(
        name
        for name, field in fields.items()
        if not field.widget.value_omitted_from_data(params, {}, name)
    )


@functools.lru_cache(maxsize=128)
def narrowed_filterset_class(names):
    """The catalogue FilterSet with only the filters `names` (a frozenset).

    For callers that filter and never show the form (the candidate page's
    walks): building, copying and cleaning some 70 fields cost more than
    the walk's own query. Same filters, same methods, same `filter_queryset`.
    """
    composed = candidate_filterset_class()
    narrowed = type(
        "NarrowedCandidateFilterSet",
        (composed,),
        {"__module__": __name__, "__doc__": "Only some catalogue filters."},
    )
    narrowed.base_filters = FilterCopies(
        {name: f for name, f in composed.base_filters.items() if name in names}
    )
    return narrowed


def __getattr__(name):
    # `CandidateFilterSet` is composed on first use, not at import.
    if name == "CandidateFilterSet":
        return candidate_filterset_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
