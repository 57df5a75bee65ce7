"""Rating from the candidate page: save, history, "Rate & next", tags."""

import pytest
from django.urls import reverse

from catalogue.access.models import Membership, Role
from rating.models import Label, Rating, RatingHistory, Tag, save_rating
from tests.factories import BeamFactory, CandidateFactory, UserFactory


@pytest.fixture
def listing(db):
    """Six candidates in id order; the third is not a best-beam detection."""
    beam = BeamFactory()
    candidates = CandidateFactory.create_batch(6, beam=beam)
    candidates[2].is_best_beam = False
    candidates[2].save()
    return candidates


def rate(client, candidate, label="true", action="next", query="", **extra):
    return client.post(
        reverse("rating:rate", args=[candidate.pk]) + query,
        {"label": label, "action": action, **extra},
    )


def candidate_url(candidate, query=""):
    return reverse("rating:candidate", args=[candidate.pk]) + query


def test_save_stores_my_rating_and_stays_on_the_candidate(rater_client, rater, listing):
    tag = Tag.objects.get(name="AGN")
    response = rate(
        rater_client, listing[0], "unsure", "save", tag=tag.pk, notes="check RACS"
    )

    assert response.status_code == 302
    assert response["Location"] == candidate_url(listing[0])
    rating = Rating.objects.get(candidate=listing[0], user=rater)
    assert (rating.label, rating.tag, rating.notes) == ("unsure", tag, "check RACS")


def test_changing_a_rating_keeps_one_row_and_the_history(rater_client, rater, listing):
    rate(rater_client, listing[0], "unsure", "save")
    rate(rater_client, listing[0], "false", "save")

    assert Rating.objects.filter(candidate=listing[0], user=rater).count() == 1
    history = RatingHistory.objects.filter(rating__candidate=listing[0])
    assert list(history.values_list("label", flat=True)) == ["false", "unsure"]


@pytest.mark.parametrize(
    "data",
    [{"label": "maybe"}, {"label": ""}, {"label": "true", "tag": "999999"}],
)
def test_invalid_rating_is_refused_with_the_form_and_nothing_saved(
    rater_client, listing, data
):
    response = rater_client.post(
        reverse("rating:rate", args=[listing[0].pk]), {"action": "next", **data}
    )
    assert response.status_code == 400
    assert 'class="form-error"' in response.content.decode()
    assert not Rating.objects.exists()


def test_rate_and_next_skips_my_rated_and_filtered_out_candidates(
    rater_client, rater, listing
):
    save_rating(listing[1], rater, Label.TRUE)
    save_rating(listing[3], UserFactory(), Label.FALSE)  # someone else's

    response = rate(rater_client, listing[0], query="?sort=id")

    # 1 is mine, 2 is not a best beam (the default filter), 3 was rated by others
    assert response["Location"] == candidate_url(listing[3], "?sort=id")


def test_rate_and_next_keeps_the_catalogue_filters_in_the_url(
    rater_client, rater, listing
):
    save_rating(listing[1], rater, Label.TRUE)
    response = rate(rater_client, listing[0], query="?best_beam=off&sort=id")

    assert response["Location"] == candidate_url(listing[2], "?best_beam=off&sort=id")


def test_rate_and_next_wraps_around_and_ends_in_all_done(rater_client, rater, listing):
    for candidate in (listing[0], listing[1], listing[4]):
        save_rating(candidate, rater, Label.FALSE)

    response = rate(rater_client, listing[5], query="?sort=id")
    # wrapped to the start
    assert response["Location"] == candidate_url(listing[3], "?sort=id")

    response = rate(rater_client, listing[3], query="?sort=id")
    assert response["Location"] == reverse("rating:rate_next") + "?sort=id"
    done = rater_client.get(response["Location"])
    assert done.status_code == 200
    assert "All done" in done.content.decode()


def test_skip_goes_to_the_next_unrated_without_saving(rater_client, listing):
    response = rater_client.get(
        reverse("rating:rate_next") + f"?after={listing[0].pk}&best_beam=off&sort=id"
    )
    assert response["Location"] == candidate_url(listing[1], "?best_beam=off&sort=id")
    assert not Rating.objects.exists()


def test_previous_and_next_walk_the_filtered_list(rater_client, listing):
    def go(candidate, direction):
        url = reverse("rating:neighbour", args=[candidate.pk, direction])
        return rater_client.get(url + "?sort=id")["Location"]

    assert go(listing[1], "next") == candidate_url(listing[3], "?sort=id")
    assert go(listing[3], "previous") == candidate_url(listing[1], "?sort=id")
    # first: stays
    assert go(listing[0], "previous") == candidate_url(listing[0], "?sort=id")


def test_next_follows_the_default_order_newest_first(rater_client, listing):
    """With no sort, the catalogue lists newest first, and so does Next."""
    url = reverse("rating:neighbour", args=[listing[3].pk, "next"])
    assert rater_client.get(url)["Location"] == candidate_url(listing[1])


def test_new_tag_inline_returns_json_and_refuses_duplicates(rater_client, rater):
    url = reverse("rating:tag_create")
    created = rater_client.post(
        url, {"name": "  Scintillating  pulsar "}, HTTP_ACCEPT="application/json"
    )
    duplicate = rater_client.post(
        url, {"name": "scintillating pulsar"}, HTTP_ACCEPT="application/json"
    )

    assert created.status_code == 201
    tag = Tag.objects.get(pk=created.json()["id"])
    assert (tag.name, tag.created_by) == ("Scintillating pulsar", rater)
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.json()["error"]
    assert Tag.objects.filter(name__iexact="scintillating pulsar").count() == 1


def test_new_tag_without_javascript_redirects_back(rater_client, listing):
    back = candidate_url(listing[0])
    response = rater_client.post(
        reverse("rating:tag_create"), {"name": "Ghost", "next": back}
    )
    assert response["Location"] == back
    assert Tag.objects.filter(name="Ghost").exists()
    evil = rater_client.post(
        reverse("rating:tag_create"),
        {"name": "Ghost 2", "next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("catalogue:list")


def test_rating_needs_login_and_post(client, listing):
    url = reverse("rating:rate", args=[listing[0].pk])
    assert client.post(url, {"label": "true"}).status_code == 302
    assert not Rating.objects.exists()


def test_the_page_script_asks_where_rate_next_leads_as_json(rater_client, listing):
    """The candidate page prefetches that URL itself (no redirect in between)."""
    url = reverse("rating:rate_next") + f"?after={listing[5].pk}"  # newest first
    answer = rater_client.get(url, headers={"Accept": "application/json"})
    assert answer.json() == {"url": candidate_url(listing[4])}
    for candidate in listing:
        save_rating(candidate, UserFactory(), Label.TRUE)
        save_rating(candidate, answer.wsgi_request.user, Label.TRUE)
    done = rater_client.get(url, headers={"Accept": "application/json"})
    assert done.json() == {"url": None}


def rate_for_script(client, candidate, label="true", action="next", **extra):
    """The page script's post: the same form, answered in JSON."""
    return client.post(
        reverse("rating:rate", args=[candidate.pk]) + "?sort=id",
        {"label": label, "action": action, **extra},
        headers={"Accept": "application/json"},
    )


def test_the_script_gets_the_saved_rating_and_the_next_url(rater_client, listing):
    answer = rate_for_script(rater_client, listing[0], "false", notes="sidelobe")

    assert answer.status_code == 200
    assert answer.json() == {
        "saved": {"candidate": listing[0].pk, "label": "false"},
        "message": f"Rating of {listing[0].name} saved.",
        "url": candidate_url(listing[1], "?sort=id"),
        "next_candidate": listing[1].pk,
    }
    rating = Rating.objects.get()
    assert (rating.candidate, rating.notes) == (listing[0], "sidelobe")
    assert RatingHistory.objects.filter(rating=rating).count() == 1
    # The message rode in the answer: the next page does not show it again.
    page = rater_client.get(candidate_url(listing[1], "?sort=id"))
    assert "saved." not in page.content.decode()


def test_the_script_is_told_when_nothing_is_left(rater_client, rater, listing):
    for candidate in listing[1:]:
        save_rating(candidate, rater, Label.TRUE)
    answer = rate_for_script(rater_client, listing[0]).json()
    assert answer["next_candidate"] is None
    assert answer["url"] == reverse("rating:rate_next") + "?sort=id"
    done = rater_client.get(answer["url"])  # the page the script then opens
    assert f"Rating of {listing[0].name} saved." in done.content.decode()


def test_the_script_gets_form_errors_and_nothing_is_saved(rater_client, listing):
    answer = rate_for_script(rater_client, listing[0], label="maybe", tag=999999)
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"label", "tag"}
    assert "Select a valid choice" in errors["tag"][0]
    assert not Rating.objects.exists()


def test_the_script_gets_a_refusal_for_a_viewer(client, listing):
    viewer = UserFactory(username="vic")
    Membership.objects.create(
        project=listing[0].observation.project, user=viewer, role=Role.VIEWER
    )
    client.force_login(viewer)
    answer = rate_for_script(client, listing[0])
    assert answer.status_code == 403
    assert "does not allow rating" in answer.json()["error"]
    assert not Rating.objects.exists()
