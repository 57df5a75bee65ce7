"""`manage.py make_demo_ratings` gives the demo several raters, idempotently."""

from io import StringIO

from django.core.management import call_command

from rating.consensus import consensus_of_ratings, disputed_of_ratings
from rating.management.commands.make_demo_ratings import DEMO_RATERS
from rating.models import Rating, RatingHistory


def test_demo_raters_overlap_and_some_disagree(ingested):
    out = StringIO()
    call_command("make_demo_ratings", project="demo", stdout=out)
    assert "ada" in out.getvalue()
    ratings = Rating.objects.filter(candidate__observation=ingested)
    assert set(ratings.values_list("user__username", flat=True)) == set(DEMO_RATERS)
    rows = list(consensus_of_ratings(ratings))
    assert rows and all(row["n_raters"] >= 2 for row in rows)
    assert disputed_of_ratings(ratings).exists()
    assert ratings.filter(notes__contains='"').exists()

    count, history = ratings.count(), RatingHistory.objects.count()
    call_command("make_demo_ratings", project="demo", stdout=StringIO())
    assert (ratings.count(), RatingHistory.objects.count()) == (count, history)
