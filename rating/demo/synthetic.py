"""Load many synthetic ratings fast, for benchmarks (`make bench`).

Each rated candidate gets ratings from `raters_per_candidate` distinct users
(so consensus and agreement have something to chew on); labels agree about
75% of the time. PostgreSQL gets COPY (`catalogue.survey.bulk_copy`);
other databases `bulk_create`.
"""

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from catalogue.survey.bulk_copy import can_copy, copy_rows
from catalogue.survey.models import Candidate
from rating.models import (
    CandidateLabelCount,
    Label,
    RaterLabelCount,
    Rating,
    RatingHistory,
    Tag,
)

LABELS = [Label.TRUE, Label.FALSE, Label.UNSURE]


def bench_users(count):
    """The benchmark raters `bench-rater-00`, ... (created if missing)."""
    User = get_user_model()
    users = []
    for number in range(count):
        user, created = User.objects.get_or_create(username=f"bench-rater-{number:02d}")
        if created:
            user.set_password("bench-password")
            user.save()
        users.append(user)
    return users


def load_synthetic_ratings(
    total, project_slug="bench", users=20, raters_per_candidate=3, seed=7
):
    """Give the project's candidates `total` ratings (replacing bench raters' ones)."""
    rng = np.random.default_rng(seed)
    raters = bench_users(users)
    user_ids = np.array([user.id for user in raters])
    existing = Rating.objects.filter(
        user__in=raters, candidate__observation__project__slug=project_slug
    )
    if existing.count() == total:
        return total
    candidate_ids = np.array(
        Candidate.objects.filter(observation__project__slug=project_slug)
        .order_by("id")
        .values_list("id", flat=True)
    )
    rated = rng.choice(
        candidate_ids, size=-(-total // raters_per_candidate), replace=False
    )
    tag_ids = list(Tag.objects.values_list("id", flat=True))
    rows = []
    for candidate_id in rated.tolist():
        majority = LABELS[rng.integers(0, 3)]
        for user_id in rng.choice(
            user_ids, size=raters_per_candidate, replace=False
        ).tolist():
            label = majority if rng.random() < 0.75 else LABELS[rng.integers(0, 3)]
            rows.append(
                (candidate_id, user_id, label, tag_ids[rng.integers(0, len(tag_ids))])
            )
            if len(rows) == total:
                break
        if len(rows) == total:
            break
    now = timezone.now()
    with transaction.atomic():
        existing.delete()
        if can_copy():
            _copy_ratings(rows, now)
        else:
            Rating.objects.bulk_create(
                [
                    Rating(candidate_id=c, user_id=u, label=lab, tag_id=t)
                    for c, u, lab, t in rows
                ],
                batch_size=2000,
            )
            RatingHistory.objects.bulk_create(
                [
                    RatingHistory(rating=r, label=r.label, tag_id=r.tag_id)
                    for r in Rating.objects.filter(user__in=raters)
                ],
                batch_size=2000,
            )
    return len(rows)


def _copy_ratings(rows, now):
    """COPY the ratings (no notes, all stamped `now`), then their history rows."""
    copy_rows(
        Rating,
        (
            "candidate_id",
            "user_id",
            "label",
            "tag_id",
            "notes",
            "created_at",
            "updated_at",
        ),
        (
            (candidate_id, user_id, str(label), tag_id, "", now, now)
            for candidate_id, user_id, label, tag_id in rows
        ),
    )
    rating_table = Rating._meta.db_table
    history_table = RatingHistory._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history_table} "
            "(rating_id, label, tag_id, notes, changed_at) "
            f"SELECT id, label, tag_id, notes, updated_at FROM {rating_table} r "
            f"WHERE NOT EXISTS "
            f"(SELECT 1 FROM {history_table} h WHERE h.rating_id = r.id)"
        )
        # The trigger-kept count tables too: the catalogue's rating filters
        # plan their queries from these tables' statistics.
        for table in (
            rating_table,
            history_table,
            CandidateLabelCount._meta.db_table,
            RaterLabelCount._meta.db_table,
        ):
            cursor.execute(f"ANALYZE {table}")
