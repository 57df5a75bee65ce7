"""The team's view of a candidate: colleagues' ratings, consensus, comments.

Blind first: a rater sees colleagues' ratings, the consensus and their
comments only once they have rated the candidate themselves, so nobody
anchors on others; a project may show them always
(`ProjectRatingSettings.team_visibility`). Before that the block says only
how many ratings the candidate has. Someone who may not rate the project
(a viewer) sees them at once: they have no verdict to keep their own. A
rater's own comments are always shown to them.

`team_blocks(candidate_ids, user)` gives the block's data for any set of
candidates in a fixed number of queries (the candidate page asks for one,
a scanning grid for a page of cards).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from catalogue.access.rules import may_rate
from catalogue.survey.models import Candidate
from rating.consensus import LABEL_COUNT_FIELDS
from rating.models import Label, Rating
from rating.policy import TeamVisibility, project_rules, rules_of

MAX_COMMENT_LENGTH = 5000  # characters


class CandidateComment(models.Model):
    """One message of a candidate's discussion thread (plain text)."""

    # Not editorial content: no Wagtail reference index work on each save.
    wagtail_reference_index_ignore = True

    candidate = models.ForeignKey(
        "catalogue.Candidate", on_delete=models.CASCADE, related_name="comments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(max_length=MAX_COMMENT_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "rating"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["candidate", "created_at"], name="comment_candidate")
        ]

    def __str__(self):
        return f"{self.user} on {self.candidate_id} at {self.created_at}"


@dataclass(frozen=True)
class Consensus:
    """A candidate's label counts and what the project's rule makes of them."""

    n_ratings: int
    counts: dict  # {label value: number of current ratings}
    label: str | None  # strict majority label, None on a tie or no ratings
    agreement: float | None  # share (0–1) of the top label, None without ratings
    target: int
    majority_fraction: float

    @property
    def label_display(self):
        return Label(self.label).label if self.label else None

    @property
    def at_target(self):
        return self.n_ratings >= self.target

    @property
    def retired(self):
        return (
            self.at_target
            and self.agreement is not None
            and self.agreement >= self.majority_fraction - 1e-9
        )

    @property
    def disputed(self):
        """At target without the majority the rule asks for."""
        return self.at_target and not self.retired


def consensus_from_counts(counts, target, majority_fraction):
    """`Consensus` from {label: count}."""
    n_ratings = sum(counts.values())
    top = max(counts.values(), default=0)
    leaders = [label for label, n in counts.items() if n == top and n > 0]
    return Consensus(
        n_ratings=n_ratings,
        counts=counts,
        label=leaders[0] if len(leaders) == 1 else None,
        agreement=top / n_ratings if n_ratings else None,
        target=target,
        majority_fraction=majority_fraction,
    )


@dataclass
class TeamBlock:
    """What the team block shows for one candidate and one viewer."""

    candidate_id: int
    visible: bool  # colleagues' ratings and comments are shown
    i_rated: bool
    consensus: Consensus
    ratings: list = field(default_factory=list)  # colleagues' `Rating`s, newest first


def team_blocks(candidate_ids, user, projects=None):
    """{candidate id: `TeamBlock`} for `user`, in two queries whatever the set.

    Queries: the candidates' projects (left out when the caller passes
    `projects`, {candidate id: project id}) and the current ratings of the
    candidates (with rater and tag), which also give the label counts; the
    projects' rules come from the cache (one more query when it is cold).
    Colleagues' ratings are listed only where the block is visible.
    """
    candidate_ids = list(candidate_ids)
    if projects is None:
        projects = dict(
            Candidate.objects.filter(pk__in=candidate_ids).values_list(
                "pk", "observation__project_id"
            )
        )
    rules = project_rules()
    ratings = {}
    for rating in (
        Rating.objects.filter(candidate_id__in=candidate_ids)
        .select_related("user", "tag")
        .order_by("-updated_at", "-id")
    ):
        ratings.setdefault(rating.candidate_id, []).append(rating)
    blocks = {}
    for candidate_id in candidate_ids:
        if candidate_id not in projects:
            continue
        target, majority, visibility = rules_of(projects[candidate_id], rules)
        mine = [r for r in ratings.get(candidate_id, []) if r.user_id == user.pk]
        # Blind first keeps a rater's verdict their own; someone who may
        # not rate here (a viewer) has no verdict to protect.
        visible = (
            bool(mine)
            or visibility == TeamVisibility.ALWAYS
            or not may_rate(user, projects[candidate_id])
        )
        label_counts = dict.fromkeys(LABEL_COUNT_FIELDS, 0)
        for rating in ratings.get(candidate_id, []):
            label_counts[rating.label] += 1
        blocks[candidate_id] = TeamBlock(
            candidate_id=candidate_id,
            visible=visible,
            i_rated=bool(mine),
            consensus=consensus_from_counts(label_counts, target, majority),
            ratings=[r for r in ratings.get(candidate_id, []) if r.user_id != user.pk]
            if visible
            else [],
        )
    return blocks


def visible_comments(candidate, user, team_visible):
    """The candidate's comments `user` may read: all when the team block is
    visible, else only their own (blind first)."""
    comments = CandidateComment.objects.filter(candidate=candidate).select_related(
        "user"
    )
    return list(comments if team_visible else comments.filter(user=user))


def add_comment(candidate, user, text):
    """Save a comment (text already cleaned by `CommentForm`)."""
    return CandidateComment.objects.create(candidate=candidate, user=user, text=text)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the candidate page's history: a rating change or a comment."""

    kind: str  # "rating" or "comment"
    at: object  # aware datetime
    item: object  # the `RatingHistory` or `CandidateComment`


def timeline(history, comments):
    """My rating changes and the visible comments, newest first."""
    entries = [TimelineEntry("rating", h.changed_at, h) for h in history]
    entries += [TimelineEntry("comment", c.created_at, c) for c in comments]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
