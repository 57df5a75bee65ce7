"""django-tables2 tables of the ratings summary (SPEC §7).

Sorting happens in the database across all pages; every column's ordering
ends with a unique key so paging through a sorted table is stable.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import Label

LABEL_NAMES = dict(Label.choices)


class LabelColumn(tables.Column):
    """A rating label as a coloured badge (the text is the label itself)."""

    def render(self, value):
        return format_html(
            '<span class="label-badge label-{}">{}</span>',
            value,
            LABEL_NAMES.get(value, value),
        )


class RatingTable(tables.Table):
    """Current ratings with their candidate, rater, label, tag and notes."""

    candidate = tables.Column(
        "Candidate",
        accessor="candidate__name",
        linkify=lambda record: record.candidate.get_absolute_url(),
        order_by=("candidate__name", "id"),
    )
    observation = tables.Column(
        accessor="candidate__observation",
        order_by=(
            "candidate__observation__project__slug",
            "candidate__observation__sbid",
            "id",
        ),
    )
    beam = tables.Column(
        "Beam",
        accessor="candidate__beam__index",
        order_by=("candidate__beam__index", "id"),
        attrs={"td": {"class": "num"}},
    )
    ra = tables.Column(
        "RA (deg)",
        accessor="candidate__ra",
        order_by=("candidate__ra", "id"),
        attrs={"td": {"class": "num"}},
    )
    dec = tables.Column(
        "Dec (deg)",
        accessor="candidate__dec",
        order_by=("candidate__dec", "id"),
        attrs={"td": {"class": "num"}},
    )
    user = tables.Column(
        "Rater", accessor="user__username", order_by=("user__username", "id")
    )
    label = LabelColumn(order_by=("label", "id"))
    tag = tables.Column("Tag", accessor="tag__name", order_by=("tag__name", "id"))
    notes = tables.Column(orderable=False, attrs={"td": {"class": "notes"}})
    updated_at = tables.DateTimeColumn(
        verbose_name="Rated", format="Y-m-d H:i", order_by=("updated_at", "id")
    )
    delete = tables.Column(
        "",
        accessor="pk",
        orderable=False,
        linkify=lambda record: reverse("ratings:delete", args=[record.pk]),
    )

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table ratings-table"}
        empty_text = "No ratings match these filters."
        order_by = ("-updated_at",)

    def render_ra(self, value):
        return f"{value:.5f}"

    def render_dec(self, value):
        return f"{value:+.5f}"

    def render_notes(self, value):
        return value if len(value) <= 80 else value[:79] + "…"

    def render_delete(self, value):
        return "Delete"


class ConsensusTable(tables.Table):
    """Per-candidate consensus rows from `consensus.consensus_of_ratings`."""

    candidate_name = tables.Column(
        "Candidate",
        linkify=lambda record: reverse("rating:candidate", args=[record["candidate"]]),
        order_by=("candidate_name", "candidate"),
    )
    observation = tables.Column(orderable=False)
    n_raters = tables.Column(
        "Raters", order_by=("n_raters", "candidate"), attrs={"td": {"class": "num"}}
    )
    n_true = tables.Column(
        "True", order_by=("n_true", "candidate"), attrs={"td": {"class": "num"}}
    )
    n_false = tables.Column(
        "False", order_by=("n_false", "candidate"), attrs={"td": {"class": "num"}}
    )
    n_unsure = tables.Column(
        "Unsure", order_by=("n_unsure", "candidate"), attrs={"td": {"class": "num"}}
    )
    consensus = LabelColumn(
        "Consensus", order_by=("consensus", "candidate"), default="tie"
    )
    agreement = tables.Column(
        "Agreement", order_by=("agreement", "candidate"), attrs={"td": {"class": "num"}}
    )

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table consensus-table"}
        empty_text = "No rated candidates match these filters."
        order_by = ("agreement",)

    def render_agreement(self, value):
        return f"{100 * value:.0f}%"
