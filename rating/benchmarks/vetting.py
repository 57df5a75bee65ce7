"""Candidate-page benchmarks (run by `manage.py bench`), at 1,000,000 candidates.

- `candidate_page`: GET of a candidate page (target 50 ms median server time);
- `rate_next`: POST "Rate & next" (save + pick my next unrated candidate,
  target 30 ms median), walking forward through the catalogue as a rater
  would. The ratings it makes are deleted again afterwards;
- `next_in_list`: GET "Next" from the middle of the catalogue list sorted by
  each of several columns (target 15 ms median for every sort), walking on
  as a rater pressing `n` would;
- `needs_ratings_next`: GET "Rate & next" in "needs ratings" mode (the
  queue: below the project's target, not rated by me, most significant
  first; target 20 ms median), walking the queue from its top.
"""

from django.http import QueryDict
from django.urls import reverse

from catalogue.browse.querying import filtered_candidates
from catalogue.survey.models import Candidate
from rating.models import Rating
from rating.policy import queue_params


def _bench_candidates(ctx):
    return Candidate.objects.filter(
        observation__project__slug=ctx.dataset.get("project", "bench"),
        is_best_beam=True,
    )


def middle_candidate_id(ctx):
    candidates = _bench_candidates(ctx).order_by("id").values_list("id", flat=True)
    first = candidates.first()
    last = candidates.order_by("-id").first()
    return candidates.filter(id__gte=(first + last) // 2).first()


def bench_candidate_page(ctx):
    """Server time of `/candidates/<id>/` for a candidate in the middle of the table."""
    return ctx.time_get(reverse("rating:candidate", args=[middle_candidate_id(ctx)]))


class RateAndNextWalk:
    """POSTs "Rate & next" as `ctx`'s user from the middle candidate on, each
    step rating the candidate the previous one led to (a rater's work: a new
    rating, then the walk to the next unrated). `delete_ratings()` removes
    the ratings made."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.current = middle_candidate_id(ctx)
        self.made = []

    def step(self, *_):
        response = self.ctx.client.post(
            reverse("rating:rate", args=[self.current]),
            {"label": "false", "action": "next"},
        )
        if response.status_code != 302:
            raise RuntimeError(f"rate answered {response.status_code}")
        self.made.append(self.current)
        self.current = int(response["Location"].rstrip("/").split("/")[-1])

    def delete_ratings(self):
        Rating.objects.filter(user=self.ctx.user, candidate_id__in=self.made).delete()


def bench_rate_next(ctx):
    """Server time of POST "Rate & next" (the redirect to my next unrated candidate)."""
    walk = RateAndNextWalk(ctx)
    try:
        figures = ctx.time_call(walk.step)
    finally:
        walk.delete_ratings()
    return {"url": reverse("rating:rate", args=[0]).replace("/0/", "/<id>/"), **figures}


# Sorts a rater uses: significance and flux highest first, names, separations,
# the newest-first default and the beam (a joined column).
NEXT_IN_LIST_SORTS = (
    "-chi_square_sigma",
    "-peak_map",
    "name",
    "deep_sep_arcsec",
    "-id",
    "beam",
)


def bench_next_in_list(ctx):
    """Server time of "Next" at the middle of the list, for several sorts (ms)."""
    figures = {}
    for sort in NEXT_IN_LIST_SORTS:
        params = QueryDict(f"sort={sort}&project={ctx.dataset.get('project', 'bench')}")
        listed, _errors = filtered_candidates(params, ctx.user)
        middle = listed.count() // 2
        current = {"id": listed.values_list("id", flat=True)[middle]}
        query = "?" + params.urlencode()

        def press_next(current=current, query=query):
            url = reverse("rating:neighbour", args=[current["id"], "next"]) + query
            response = ctx.client.get(url)
            if response.status_code != 302:
                raise RuntimeError(f"next answered {response.status_code}")
            current["id"] = int(response["Location"].split("/")[2])

        figures[sort] = ctx.time_call(press_next)
    worst = max(figures.values(), key=lambda summary: summary["median_ms"])
    return {**worst, "sorts": figures}


def bench_needs_ratings_next(ctx):
    """Server time of the queue's next candidate (`/candidates/next/`, ms)."""
    params = queue_params(QueryDict(f"project={ctx.dataset.get('project', 'bench')}"))
    current = {"id": None}

    def next_in_queue():
        query = params.copy()
        if current["id"] is not None:
            query["after"] = str(current["id"])
        response = ctx.client.get(f"{reverse('rating:rate_next')}?{query.urlencode()}")
        if response.status_code != 302:
            raise RuntimeError(f"queue answered {response.status_code}")
        current["id"] = int(response["Location"].split("/")[2])

    figures = ctx.time_call(next_in_queue)
    return {"url": f"{reverse('rating:rate_next')}?{params.urlencode()}", **figures}
