"""`manage.py make_demo_ratings`: a few demo raters with overlapping ratings.

Gives the ratings summary something to show on demo data: four raters rate
most demo candidates, mostly agreeing, with a few disputed candidates and
notes that need CSV quoting. Idempotent: existing ratings are left alone.
"""

import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from catalogue.survey.models import Candidate
from rating.models import Label, Rating, Tag, save_rating

DEMO_RATERS = ("ada", "ben", "chloe", "dev")
DEMO_RATER_PASSWORD = "demo-rater-2026"
LABELS = [Label.TRUE, Label.FALSE, Label.UNSURE]
NOTES = (
    "",
    "",
    "Bright, compact; see slices 3–5",
    'Looks like a "sidelobe", check beam map',
    "Variable in the light curve,\nflat in the deep image",
)


class Command(BaseCommand):
    help = "Create demo raters and give them overlapping ratings of demo candidates."

    def add_arguments(self, parser):
        parser.add_argument("--project", default="vast-demo")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, project, seed, **options):
        raters = [self._rater(name) for name in DEMO_RATERS]
        tags = list(Tag.objects.order_by("id")[:6])
        candidates = Candidate.objects.filter(
            observation__project__slug=project, is_best_beam=True
        ).order_by("id")
        rated = set(
            Rating.objects.filter(
                candidate__in=candidates, user__in=raters
            ).values_list("candidate_id", "user_id")
        )
        rng = random.Random(seed)
        created = 0
        for number, candidate in enumerate(candidates):
            majority = rng.choice(LABELS)
            disputed = number % 5 == 2
            for rater in rng.sample(raters, rng.randint(2, len(raters))):
                if disputed:
                    label = rng.choice(LABELS)
                else:
                    label = majority if rng.random() < 0.85 else rng.choice(LABELS)
                tag = rng.choice(tags) if tags and rng.random() < 0.7 else None
                notes = rng.choice(NOTES)
                if (candidate.pk, rater.pk) in rated:
                    continue
                save_rating(candidate, rater, label, tag=tag, notes=notes)
                created += 1
        self.stdout.write(f"{created} demo ratings created.")
        self.stdout.write(
            "Demo raters: "
            + ", ".join(DEMO_RATERS)
            + f" (password '{DEMO_RATER_PASSWORD}')"
        )

    def _rater(self, username):
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_RATER_PASSWORD)
            user.save()
        return user
