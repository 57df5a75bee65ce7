"""Summary figures read from the trigger-kept count tables (SPEC §7, §14).

Grouping 100,000 ratings per candidate for Fleiss' kappa, and again per
(label, rater, tag) for the charts, is most of the ratings summary's time.
Database triggers keep both groupings up to date instead
(`CandidateLabelCount`, `RaterLabelCount`), so the common selections read a
few rows:

- kappa and the rated-candidate count, when the selection is narrowed by
  project, observation or label only;
- the label, rater and tag charts, when it is narrowed by rater, label or
  tag only;
- the consensus and disputed lists, when it is narrowed by project or
  observation only.

Any other selection (a date range; a rater for kappa; a project for the
charts) needs the ratings themselves: these functions return None and the
caller groups the filtered ratings as before. Both ways give the same
figures; tests compare them.
"""

from django.db.models import F, Q, Value

from rating.consensus import (
    LABEL_COUNT_FIELDS,
    consensus_of_label_counts,
    only_disputed,
)
from rating.kappa import kappa_of_label_counts
from rating.models import CandidateLabelCount, RaterLabelCount

KAPPA_FILTERS = frozenset({"project", "observation", "label"})
CHART_FILTERS = frozenset({"user", "label", "tag"})
CONSENSUS_FILTERS = frozenset({"project", "observation"})
# Ids of the projects hidden from the viewer (see `selection_of`). The
# candidate counts leave them out; the rater counts are not kept per
# project, so the charts then group the ratings.
HIDDEN_PROJECTS = "hidden_projects"


def _answerable(selection, filters):
    """Can the candidate count tables answer `selection` (narrowed by `filters`)?"""
    return selection is not None and set(selection) - {HIDDEN_PROJECTS} <= filters


def selection_of(filterset):
    """The filters a bound `RatingFilter` applies: {name: cleaned value}.

    Empty for an unbound filter set (no query string: every rating); None
    when the form is invalid (the view then shows no ratings). With
    "hidden_projects" when some projects are hidden from the viewer.
    """
    if not filterset.is_bound:
        selection = {}
    elif not filterset.form.is_valid():
        return None
    else:
        selection = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if not _is_empty(value)
        }
    hidden = getattr(filterset, "hidden_project_ids", ())
    if hidden:
        selection[HIDDEN_PROJECTS] = sorted(hidden)
    return selection


def _is_empty(value):
    """A filter value that selects nothing (an open date range counts too)."""
    if isinstance(value, slice):
        return value.start is None and value.stop is None
    return value in (None, "", [])


def _candidate_counts(selection):
    """`CandidateLabelCount` rows of the selected project and observation."""
    rows = CandidateLabelCount.objects.all()
    if HIDDEN_PROJECTS in selection:
        rows = rows.exclude(
            candidate__observation__project_id__in=selection[HIDDEN_PROJECTS]
        )
    if "project" in selection:
        rows = rows.filter(candidate__observation__project=selection["project"])
    if "observation" in selection:
        rows = rows.filter(candidate__observation=selection["observation"])
    return rows


def kappa_from_counts(selection):
    """`KappaResult` for `selection` from `CandidateLabelCount`, or None."""
    if not _answerable(selection, KAPPA_FILTERS):
        return None
    rows = _candidate_counts(selection)
    label = selection.get("label")
    if label:
        # Only ratings with this label are selected: each candidate keeps
        # that one count, and candidates without it drop out.
        field = LABEL_COUNT_FIELDS[label]
        rows = rows.filter(**{f"{field}__gt": 0})
        counts = [
            F(name) if name == field else Value(0)
            for name in LABEL_COUNT_FIELDS.values()
        ]
    else:
        counts = [F(name) for name in LABEL_COUNT_FIELDS.values()]
    return kappa_of_label_counts(rows.annotate(n_ratings=sum(counts, Value(0))), counts)


def chart_rows_from_counts(selection):
    """(label, user id, tag id or None, count) rows from `RaterLabelCount`, or None."""
    if selection is None or not set(selection) <= CHART_FILTERS:
        return None
    condition = Q()
    if "user" in selection:
        condition &= Q(user=selection["user"])
    if "label" in selection:
        condition &= Q(label=selection["label"])
    if "tag" in selection:
        condition &= Q(tag_key=selection["tag"].pk)
    rows = RaterLabelCount.objects.filter(condition).values_list(
        "label", "user_id", "tag_key", "n"
    )
    return [(label, user_id, tag_key or None, n) for label, user_id, tag_key, n in rows]


def consensus_rows_from_counts(selection, disputed=False):
    """Consensus rows (`consensus_of_ratings`) from `CandidateLabelCount`, or None.

    `disputed` keeps only the disputed candidates.
    """
    if not _answerable(selection, CONSENSUS_FILTERS):
        return None
    rows = consensus_of_label_counts(_candidate_counts(selection))
    return only_disputed(rows) if disputed else rows
