"""Raters' verdicts on candidates.

A user has at most one current `Rating` per candidate (a database
constraint); every create or change is copied into `RatingHistory`.
"""

from django.conf import settings
from django.db import models, transaction

DEFAULT_TAGS = (
    "Flaring star",
    "Unknown",
    "AGN",
    "IDV",
    "Noise",
    "Sidelobes",
    "Artefacts",
    "Aeroplane or Satellite",
    "FRB",
    "New pulsar",
    "Known pulsar",
)


class Tag(models.Model):
    """A classification a rater attaches to a rating (e.g. "Flaring star")."""

    name = models.CharField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Label(models.TextChoices):
    TRUE = "true", "True"
    FALSE = "false", "False"
    UNSURE = "unsure", "Unsure"


class Rating(models.Model):
    """A user's current verdict on a candidate."""

    # Ratings are registered with the Wagtail admin (a viewset), which would
    # otherwise update Wagtail's reference index on every save and delete:
    # three more queries per rating, and two per rating when an observation
    # is deleted. Ratings are not editorial content; the admin's "usage" of
    # a tag does not count them.
    wagtail_reference_index_ignore = True

    candidate = models.ForeignKey(
        "catalogue.Candidate", on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    label = models.CharField(max_length=8, choices=Label.choices)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "user"], name="one_rating_per_user"
            )
        ]
        indexes = [
            models.Index(fields=["user", "candidate"], name="rating_user_candidate"),
            # Newest-first listing and date-range filters of /ratings/.
            models.Index(fields=["updated_at", "id"], name="rating_updated_at"),
        ]

    def __str__(self):
        return f"{self.user} → {self.candidate}: {self.label}"


class CandidateLabelCount(models.Model):
    """How many current ratings of a candidate carry each label.

    Kept by database triggers on `rating_rating` (migration 0006), so every
    write path (the rating form, bulk loads, cascades, raw SQL) keeps it
    exact; a row exists only while the candidate has at least one rating.
    Fleiss' kappa and the consensus lists read these rows instead of
    grouping 100,000 ratings per candidate (`label_counts.py`).
    """

    candidate = models.OneToOneField(
        "catalogue.Candidate",
        primary_key=True,
        # Deleting a candidate deletes its ratings, and the triggers then
        # remove this row: Django need not (and no constraint must) follow it.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    n_true = models.PositiveIntegerField(default=0)
    n_false = models.PositiveIntegerField(default=0)
    n_unsure = models.PositiveIntegerField(default=0)

    def __str__(self):
        return (
            f"candidate {self.candidate_id}: {self.n_true} true, "
            f"{self.n_false} false, {self.n_unsure} unsure"
        )


class RaterLabelCount(models.Model):
    """How many current ratings a user gave with one label and one tag.

    Kept by the same triggers as `CandidateLabelCount`; `tag_key` is the tag
    id, or 0 for no tag (so the unique key has no NULL). The "ratings per
    label / rater / tag" charts sum these few hundred rows.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,  # as for CandidateLabelCount.candidate
        db_constraint=False,
        related_name="+",
    )
    label = models.CharField(max_length=8, choices=Label.choices)
    tag_key = models.PositiveIntegerField(help_text="tag id; 0 means no tag")
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "label", "tag_key"],
                name="one_count_per_rater_label_tag",
            )
        ]

    def __str__(self):
        return f"user {self.user_id}, {self.label}, tag {self.tag_key}: {self.n}"


class RatingHistory(models.Model):
    """One saved state of a rating; kept when the rating changes."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="history")
    label = models.CharField(max_length=8, choices=Label.choices)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL)
    notes = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name_plural = "rating history"

    def __str__(self):
        return f"{self.rating_id}: {self.label} at {self.changed_at}"


def save_rating(candidate, user, label, tag=None, notes=""):
    """Create or update `user`'s rating of `candidate` and record the change.

    Safe under concurrent submissions: the row is upserted against the
    (candidate, user) constraint, so two simultaneous saves leave one rating
    and two history entries. Returns the current `Rating`.
    """
    with transaction.atomic():
        rating, _ = Rating.objects.select_for_update().update_or_create(
            candidate=candidate,
            user=user,
            defaults={"label": label, "tag": tag, "notes": notes},
        )
        RatingHistory.objects.create(rating=rating, label=label, tag=tag, notes=notes)
    return rating


class Pulsar(models.Model):
    """A known pulsar from the ATNF catalogue (`manage.py load_pulsars FILE`).

    Positions are ICRS (J2000) degrees; `period_s` in seconds; `dm` in pc cm⁻³;
    `s400_mjy` the flux density at 400 MHz in mJy.
    """

    name = models.CharField(max_length=32, unique=True, help_text="PSRJ name")
    ra_deg = models.FloatField(help_text="deg (J2000)")
    dec_deg = models.FloatField(help_text="deg (J2000)")
    period_s = models.FloatField(null=True, blank=True, help_text="s")
    dm = models.FloatField(null=True, blank=True, help_text="pc cm^-3")
    s400_mjy = models.FloatField(
        null=True, blank=True, help_text="flux density at 400 MHz, mJy"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["dec_deg", "ra_deg"], name="pulsar_dec_ra")]

    def __str__(self):
        return self.name


# Models kept in modules of their own (the project's rating rules, the team's
# comments), imported here so that Django registers them with the app.
from rating.policy import ProjectRatingSettings  # noqa: E402, F401

# Number keys 1–9 → tags, per project: its own module, registered here.
from rating.tag_keys import ProjectTagKey  # noqa: E402, F401
from rating.team import CandidateComment  # noqa: E402, F401
