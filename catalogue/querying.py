"""The one place that turns catalogue query-string filters into a queryset.

The catalogue list, its exports and the candidate page's "Rate & next"
(which carries the rater's catalogue filters in its URL) all call
`filtered_candidates`, so "next" always means "next in what I was looking
at".
"""

from .models import Candidate


def base_candidates():
    """All candidates with the related rows every listing shows."""
    return Candidate.objects.select_related("beam", "observation__project")


def filtered_candidates(params, user):
    """Candidates matching catalogue query parameters `params` for `user`.

    Returns (queryset, form_errors). With no parameters, best-beam
    candidates only (the catalogue's default).
    """
    best_only = params.get("best_beam", "on") not in {"", "off", "false", "0"}
    candidates = base_candidates()
    if best_only:
        candidates = candidates.filter(is_best_beam=True)
    return candidates, {}
