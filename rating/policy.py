"""How many raters a project wants per candidate, and when a candidate is done.

Each project has one `ProjectRatingSettings` row, created with the defaults
the first time it is asked for (`settings_for`), and edited in the Wagtail
admin (`rating.wagtail_hooks`).

The rule, in the units the rows hold:

- **target**: `target_raters` current ratings per candidate (default 3);
- **retired**: the candidate has at least `target_raters` ratings AND its
  most chosen label carries at least `majority_fraction` of them (default
  2/3: 2 of 3, 3 of 4, 4 of 6...);
- **disputed at target**: at least `target_raters` ratings, no such
  majority: the team has to talk it over (comments), more raters from the
  queue would only add noise;
- **needs ratings** (the queue): fewer than `target_raters` ratings and not
  rated by me. A retired candidate always has reached the target, so it is
  never in the queue; a candidate leaves the queue the moment its
  `target_raters`-th rating is saved.

Counts come from the trigger-kept `CandidateLabelCount` (one row per rated
candidate, exact on every write path), never from grouping ratings.
"""

from fractions import Fraction
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Greatest
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rating.consensus import LABEL_COUNT_FIELDS
from rating.models import CandidateLabelCount, Rating

DEFAULT_TARGET_RATERS = 3
DEFAULT_MAJORITY_FRACTION = 2 / 3
# Queue order, most significant first: the chi-square significance is the
# pipeline's own variability detection statistic (the σ at which the light
# curve departs from a constant), the one every candidate has, and the one
# the catalogue keeps an index on for sorting (`-chi_square_sigma`, NULLs
# last), so the queue's seek reads that index at any depth.
QUEUE_SORT = "-chi_square_sigma"


def validate_more_than_half(value):
    """A majority fraction must leave one label ahead: above 1/2, at most 1."""
    if not 0.5 < value <= 1.0:
        raise ValidationError(
            "The majority fraction must be more than 0.5 and at most 1 "
            "(e.g. 0.6667 for 2/3)."
        )


class TeamVisibility(models.TextChoices):
    AFTER_MY_RATING = "after_rating", "After I have rated the candidate (blind first)"
    ALWAYS = "always", "Always"


class ProjectRatingSettings(models.Model):
    """A project's rating rules: target raters, retirement, team visibility."""

    project = models.OneToOneField(
        "catalogue.Project", on_delete=models.CASCADE, related_name="rating_settings"
    )
    target_raters = models.PositiveSmallIntegerField(
        default=DEFAULT_TARGET_RATERS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Current ratings wanted per candidate; below it a candidate "
        "is in the 'needs ratings' queue.",
    )
    majority_fraction = models.FloatField(
        default=DEFAULT_MAJORITY_FRACTION,
        validators=[validate_more_than_half],
        help_text="Retired when it has the target number of ratings and the most "
        "chosen label has at least this share of them (above 0.5, at most 1; "
        "0.6667 = 2/3).",
    )
    team_visibility = models.CharField(
        max_length=16,
        choices=TeamVisibility.choices,
        default=TeamVisibility.AFTER_MY_RATING,
        help_text="When a rater sees colleagues' ratings on the candidate page.",
    )

    class Meta:
        verbose_name = "project rating settings"
        verbose_name_plural = "project rating settings"

    def __str__(self):
        return f"rating settings of {self.project}"

    @property
    def majority_text(self):
        """The fraction as people write it (2/3), for the pages."""
        return str(Fraction(self.majority_fraction).limit_denominator(12))

    def shows_team_to(self, has_rated):
        """Whether the team block is shown to a rater (who has rated or not)."""
        return has_rated or self.team_visibility == TeamVisibility.ALWAYS


def settings_for(project):
    """The project's settings row, created with the defaults if missing."""
    found, _ = ProjectRatingSettings.objects.get_or_create(project=project)
    return found


class Rules(NamedTuple):
    """One project's rule, as `ProjectRatingSettings` holds it."""

    target_raters: int
    majority_fraction: float
    team_visibility: str


DEFAULT_RULES = Rules(
    DEFAULT_TARGET_RATERS, DEFAULT_MAJORITY_FRACTION, TeamVisibility.AFTER_MY_RATING
)
RULES_CACHE_KEY = "rating:project-rules:v1"
RULES_TIMEOUT_S = 600  # s; saves and deletes through Django forget them at once


def _load_rules():
    rows = ProjectRatingSettings.objects.values_list(
        "project_id", "target_raters", "majority_fraction", "team_visibility"
    )
    return {project_id: Rules(*rule) for project_id, *rule in rows}


def project_rules():
    """{project id: `Rules`} of the projects with a settings row (cached).

    A handful of rows read by every queue step and candidate page, so they
    live in the shared cache; projects without a row follow `DEFAULT_RULES`.
    """
    return cache.get_or_set(RULES_CACHE_KEY, _load_rules, RULES_TIMEOUT_S)


def rules_of(project_id, rules=None):
    """The `Rules` of one project."""
    rules = project_rules() if rules is None else rules
    return rules.get(project_id, DEFAULT_RULES)


@receiver(post_save, sender=ProjectRatingSettings, dispatch_uid="rules-saved")
@receiver(post_delete, sender=ProjectRatingSettings, dispatch_uid="rules-deleted")
def forget_project_rules(**kwargs):
    """A project's settings changed (or went with the project): re-read them."""
    cache.delete(RULES_CACHE_KEY)


def _total():
    return sum((F(field) for field in LABEL_COUNT_FIELDS.values()), Value(0))


def _top():
    return Greatest(*(F(field) for field in LABEL_COUNT_FIELDS.values()))


def _per_project(field):
    """Expression: `field` of the `Rules` of the count row's candidate's project.

    The (cached) rules are few, so the SQL carries constants instead of a
    join; only projects that differ from the default add a CASE branch
    (and the join from the count row to the candidate's observation).
    """
    default = getattr(DEFAULT_RULES, field)
    whens = [
        When(candidate__observation__project_id=project_id, then=Value(value))
        for project_id, rule in project_rules().items()
        if (value := getattr(rule, field)) != default
    ]
    return Case(*whens, default=Value(default)) if whens else Value(default)


def annotated_counts(counts=None):
    """`CandidateLabelCount` rows with `n_ratings`, `top_share`, `target` and
    `majority` (the candidate's project's rule)."""
    counts = CandidateLabelCount.objects.all() if counts is None else counts
    return counts.annotate(
        n_ratings=_total(),
        top_share=Cast(_top(), FloatField()) / Cast(_total(), FloatField()),
        target=_per_project("target_raters"),
        majority=_per_project("majority_fraction"),
    )


def at_target_q():
    """Q on `annotated_counts()` rows: the candidate has reached its target."""
    return Q(n_ratings__gte=F("target"))


def retired_q():
    """Q on `annotated_counts()` rows: the candidate is retired (module rule)."""
    return at_target_q() & Q(top_share__gte=F("majority") - 1e-9)


def needs_ratings(candidates, user):
    """The queue: `candidates` below their project's target, not rated by `user`.

    Keeps the queryset's order, so the caller's seek navigation walks it.
    Per candidate this costs an index probe of the count table (most
    candidates have no row) and of `user`'s ratings, read once into a hash.
    """
    enough = annotated_counts(
        CandidateLabelCount.objects.filter(candidate=OuterRef("pk"))
    ).filter(at_target_q())
    mine = Rating.objects.filter(user=user).values("candidate_id")
    return candidates.exclude(pk__in=mine).filter(~Exists(enough))


def queue_params(params):
    """Catalogue parameters of the queue: `params` with `rating_status` set
    to "needs ratings" and, unless a sort was chosen, most significant first."""
    queue = params.copy()
    queue["rating_status"] = "needs_ratings"
    if not queue.get("sort"):
        queue["sort"] = QUEUE_SORT
    return queue
