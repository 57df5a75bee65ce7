"""The grid's JSON action endpoint: labels, tags, bulk labels and undo, saved
through the rating model (one rating per rater, every change in the history)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from rating.models import Label, Rating, RatingHistory, Tag, save_rating
from tests.factories import BeamFactory, CandidateFactory


@pytest.fixture
def cards(db):
    return CandidateFactory.create_batch(5, beam=BeamFactory())


def act(client, **body):
    return client.post(
        reverse("scan:action"), json.dumps(body), content_type="application/json"
    )


def state(rater, candidate):
    rating = Rating.objects.filter(user=rater, candidate=candidate).first()
    return rating and (rating.label, rating.tag_id, rating.notes)


def history(rater, candidate):
    return list(
        RatingHistory.objects.filter(rating__user=rater, rating__candidate=candidate)
        .order_by("id")
        .values_list("label", "tag_id", "notes")
    )


def test_a_label_is_saved_with_its_history_and_the_card_state_answered(
    rater_client, rater, cards
):
    response = act(rater_client, action="label", candidates=[cards[0].pk], label="true")
    assert response.status_code == 200
    assert response.json() == {
        "changed": [
            {
                "id": cards[0].pk,
                "my_label": "true",
                "my_tag": None,
                "n_ratings": 1,
                "consensus": "true",
                "agreement": 1.0,
            }
        ],
        "undo_depth": 1,
    }
    assert history(rater, cards[0]) == [("true", None, "")]


def test_relabelling_keeps_tag_and_notes_and_a_repeat_changes_nothing(
    rater_client, rater, cards
):
    tag = Tag.objects.first()
    save_rating(cards[0], rater, Label.UNSURE, tag=tag, notes="check RACS")
    act(rater_client, action="label", candidates=[cards[0].pk], label="false")
    again = act(rater_client, action="label", candidates=[cards[0].pk], label="false")
    assert again.json()["changed"] == []
    assert state(rater, cards[0]) == ("false", tag.pk, "check RACS")
    assert len(history(rater, cards[0])) == 2


def test_a_bulk_label_and_its_undo(rater_client, rater, cards):
    save_rating(cards[1], rater, Label.FALSE, notes="kept")
    ids = [c.pk for c in cards[:3]]
    response = act(rater_client, action="label", candidates=ids, label="true")
    assert [row["id"] for row in response.json()["changed"]] == ids
    assert Rating.objects.filter(user=rater, label="true").count() == 3

    undone = act(rater_client, action="undo")
    assert sorted(row["id"] for row in undone.json()["changed"]) == sorted(ids)
    assert undone.json()["undo_depth"] == 0
    # The two new ratings are gone with their history; the old one is back.
    assert state(rater, cards[0]) is None and state(rater, cards[2]) is None
    assert state(rater, cards[1]) == ("false", None, "kept")
    assert history(rater, cards[1]) == [
        ("false", None, "kept"),
        ("true", None, "kept"),
        ("false", None, "kept"),
    ]
    assert RatingHistory.objects.count() == 3
    assert act(rater_client, action="undo").json()["changed"] == []


def test_undo_restores_the_previous_tag_exactly(rater_client, rater, cards):
    first, second = Tag.objects.all()[:2]
    save_rating(cards[0], rater, Label.TRUE, tag=first, notes="n")
    act(rater_client, action="tag", candidates=[cards[0].pk], tag=second.pk)
    assert state(rater, cards[0]) == ("true", second.pk, "n")
    act(rater_client, action="undo")
    assert state(rater, cards[0]) == ("true", first.pk, "n")


def test_undo_goes_back_one_change_at_a_time(rater_client, rater, cards):
    act(rater_client, action="label", candidates=[cards[0].pk], label="true")
    act(rater_client, action="label", candidates=[cards[0].pk], label="false")
    act(rater_client, action="undo")
    assert state(rater, cards[0]) == ("true", None, "")
    act(rater_client, action="undo")
    assert state(rater, cards[0]) is None


@pytest.mark.parametrize(
    "body, message",
    [
        ({"action": "label", "candidates": [1], "label": "maybe"}, "Unknown label"),
        ({"action": "label", "candidates": "1", "label": "true"}, "list of"),
        ({"action": "label", "candidates": [], "label": "true"}, "at least one"),
        ({"action": "label", "candidates": [999999], "label": "true"}, "No candidate"),
        ({"action": "tag", "candidates": [None], "tag": 1}, "list of"),
        ({"action": "tag", "candidates": ["first"], "tag": 1}, "list of"),
        ({"action": "tag", "candidates": ["card"], "tag": "x"}, "tag id"),
        ({"action": "tag", "candidates": ["card"], "tag": 999999}, "No tag"),
        ({"action": "tag", "candidates": ["card"], "tag": 1}, "before giving it"),
        ({"action": "explode"}, "'action' must be"),
    ],
)
def test_bad_actions_are_refused_and_change_nothing(rater_client, cards, body, message):
    body = {
        **body,
        "candidates": [
            cards[0].pk if pk == "card" else pk for pk in body.get("candidates", [])
        ]
        if isinstance(body.get("candidates"), list)
        else body.get("candidates"),
    }
    response = act(rater_client, **body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Rating.objects.exists()


def test_a_body_that_is_not_json_is_refused(rater_client, cards):
    response = rater_client.post(
        reverse("scan:action"), "label=true", content_type="text/plain"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_the_endpoint_needs_the_csrf_token(rater, cards):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rater)
    response = act(client, action="label", candidates=[cards[0].pk], label="true")
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_anonymous_gets_a_login_redirect_and_nothing_changes(client, cards):
    response = act(client, action="label", candidates=[cards[0].pk], label="true")
    assert response.status_code == 302
    assert not Rating.objects.exists()
