"""django-tables2 tables of the ratings summary.

Sorting happens in the database across all pages; every column's ordering
ends with a unique key so paging through a sorted table is stable.
"""

import django_tables2 as tables


class RatingTable(tables.Table):
    """Current ratings with their candidate, rater, label, tag and notes.

    The columns define headers and database ordering; the rows are written
    out by `rating/summary/ratings_table.html` for speed, so keep the two in
    step.
    """

    candidate = tables.Column(
        "Candidate", accessor="candidate__name", order_by=("candidate__name", "id")
    )
    observation = tables.Column(
        order_by=(
            "candidate__observation__project__slug",
            "candidate__observation__sbid",
            "id",
        ),
    )
    beam = tables.Column(order_by=("candidate__beam__index", "id"))
    ra = tables.Column("RA (deg)", order_by=("candidate__ra", "id"))
    dec = tables.Column("Dec (deg)", order_by=("candidate__dec", "id"))
    user = tables.Column("Rater", order_by=("user__username", "id"))
    label = tables.Column(order_by=("label", "id"))
    tag = tables.Column(order_by=("tag__name", "id"))
    notes = tables.Column(orderable=False)
    updated_at = tables.Column("Rated", order_by=("updated_at", "id"))
    delete = tables.Column("", orderable=False)

    class Meta:
        template_name = "rating/summary/ratings_table.html"
        attrs = {"class": "data-table ratings-table"}
        empty_text = "No ratings match these filters."
        order_by = ("-updated_at",)


class ConsensusTable(tables.Table):
    """Per-candidate consensus rows from `consensus.consensus_of_ratings`.

    Rows are written out by `rating/summary/consensus_table.html`.
    """

    candidate_name = tables.Column(
        "Candidate", order_by=("candidate_name", "candidate")
    )
    observation = tables.Column(orderable=False)
    n_raters = tables.Column("Raters", order_by=("n_raters", "candidate"))
    n_true = tables.Column("True", order_by=("n_true", "candidate"))
    n_false = tables.Column("False", order_by=("n_false", "candidate"))
    n_unsure = tables.Column("Unsure", order_by=("n_unsure", "candidate"))
    consensus = tables.Column("Consensus", order_by=("consensus", "candidate"))
    agreement = tables.Column("Agreement", order_by=("agreement", "candidate"))

    class Meta:
        template_name = "rating/summary/consensus_table.html"
        attrs = {"class": "data-table consensus-table"}
        empty_text = "No rated candidates match these filters."
        order_by = ("agreement",)
