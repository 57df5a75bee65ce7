"""How far the team has got under the projects' rules (`rating.policy`).

For the candidates of the selected project or observation (all projects
when neither is chosen): how many have reached their target number of
ratings, how many of those are retired and how many disputed (at target
without the majority), how many are rated but below target, and how many
remain below target. Other filters of the summary (rater, label, tag,
dates) select ratings, not candidates, and are not applied. Every
candidate counts, best beam or not: the count rows then need no join to
the candidate table.

Without a selection the rated figures are one aggregate over the
trigger-kept count rows (one per rated candidate). With one, the count
rows are joined to their candidates (a scan of the project's candidates),
so those figures are cached for `SELECTED_TIMEOUT_S`. Candidate totals are
one COUNT each, cached until candidates change (`forget_candidate_totals`).
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.db.models.signals import post_delete
from django.http import QueryDict
from django.urls import reverse

from catalogue.access.rules import hidden_project_slugs
from catalogue.survey.models import Candidate, Observation, Project
from catalogue.survey.signals import candidates_changed
from rating.policy import annotated_counts, at_target_q, queue_params, retired_q

TOTALS_GENERATION_KEY = "rating:progress-totals-generation"
TOTALS_TIMEOUT_S = 600  # s; bounds the age after writes that bypass the portal
SELECTED_TIMEOUT_S = 60  # s; age of a selected project's or observation's figures


@dataclass(frozen=True)
class Progress:
    candidates: int  # candidates of the selection
    rated: int  # with at least one rating
    at_target: int
    retired: int

    @property
    def disputed(self):
        return self.at_target - self.retired

    @property
    def in_progress(self):
        return self.rated - self.at_target

    @property
    def remaining(self):
        """Below target: what the "needs ratings" queue still holds for someone."""
        return max(self.candidates - self.at_target, 0)

    @property
    def percent_at_target(self):
        return 100 * self.at_target / self.candidates if self.candidates else None


def _scope(selection):
    lookups = {}
    if selection and selection.get("project"):
        lookups["observation__project"] = selection["project"]
    if selection and selection.get("observation"):
        lookups["observation"] = selection["observation"]
    return lookups


def forget_candidate_totals(**kwargs):
    """Signal receiver: candidates changed, count them again on next use."""
    cache.set(TOTALS_GENERATION_KEY, time.time_ns(), None)


def candidate_total(lookups, hidden=()):
    """Candidates matching `lookups`, without those of the `hidden` project
    slugs (cached)."""
    generation = cache.get_or_set(TOTALS_GENERATION_KEY, time.time_ns, None)
    key = f"rating:progress-total:{generation}:{_scope_key(lookups, hidden)}"
    return cache.get_or_set(
        key,
        lambda: (
            Candidate.objects.filter(**lookups)
            .exclude(observation__project__slug__in=hidden)
            .count()
        ),
        TOTALS_TIMEOUT_S,
    )


def _scope_key(lookups, hidden=()):
    scope = ",".join(
        f"{name}={getattr(value, 'pk', value)}"
        for name, value in sorted(lookups.items())
    )
    return scope + (":hiding=" + ",".join(sorted(hidden)) if hidden else "")


def _rated_figures(lookups, hidden=()):
    counts = annotated_counts().filter(
        **{f"candidate__{name}": value for name, value in lookups.items()}
    )
    if hidden:
        counts = counts.exclude(candidate__observation__project__slug__in=hidden)
    return counts.aggregate(
        rated=Count("pk"),
        at_target=Count("pk", filter=at_target_q()),
        retired=Count("pk", filter=retired_q()),
    )


def rating_progress(selection, user):
    """`Progress` of the selection's project / observation as `user` may see
    it: restricted projects they are no member of are left out (None if the
    selection is invalid)."""
    if selection is None:
        return None
    lookups = _scope(selection)
    hidden = tuple(sorted(hidden_project_slugs(user)))
    if lookups:
        figures = cache.get_or_set(
            f"rating:progress-rated:{_scope_key(lookups, hidden)}",
            lambda: _rated_figures(lookups, hidden),
            SELECTED_TIMEOUT_S,
        )
    else:
        figures = _rated_figures(lookups, hidden)
    return Progress(candidates=candidate_total(lookups, hidden), **figures)


def queue_url(summary_params):
    """The queue ("needs ratings" Rate & next) of the summary's project."""
    params = QueryDict(mutable=True)
    if summary_params.get("project"):  # a slug, as the catalogue takes it
        params["project"] = summary_params["project"]
    return f"{reverse('rating:rate_next')}?{queue_params(params).urlencode()}"


def connect_progress_refreshes():
    """Forget the totals after ingests and deletions of survey data."""
    candidates_changed.connect(forget_candidate_totals, dispatch_uid="progress")
    for model in (Observation, Project):
        post_delete.connect(
            forget_candidate_totals,
            sender=model,
            dispatch_uid=f"progress-{model.__name__}",
        )
