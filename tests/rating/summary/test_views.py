"""The ratings summary pages through their URLs (SPEC §7)."""

import pytest
from django.urls import reverse

from rating.models import Rating, Tag
from tests.factories import CandidateFactory, UserFactory

SUMMARY_URLS = [
    reverse("ratings:summary"),
    reverse("ratings:consensus"),
    reverse("ratings:consensus") + "?disputed=1",
]


@pytest.mark.parametrize("url", SUMMARY_URLS)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", SUMMARY_URLS)
@pytest.mark.parametrize("role", ["rater", "staff"])
def test_raters_and_staff_see_the_summary(client, rated, request, url, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 200
    assert b"Fleiss" in response.content or b"Consensus" in response.content


def test_summary_shows_table_counts_kappa_and_charts(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:summary"))
    html = response.content.decode()
    assert response.context["table"].paginator.count == 6
    assert response.context["totals"] == {"candidates": 3, "raters": 3, "ratings": 6}
    kappa = response.context["kappa"]
    assert kappa.candidates == 2  # the single-rater candidate is left out
    assert 'id="fleiss-kappa"' in html
    assert html.count("<svg") == 3
    assert "<title>Flare: 2</title>" in html
    assert "<title>ada: 3</title>" in html
    assert rated["agreed"].get_absolute_url() in html
    assert "Delete" not in html  # raters cannot delete


def test_filters_narrow_everything(client, rated, rater):
    client.force_login(rater)
    response = client.get(
        reverse("ratings:summary") + "?project=survey&user=ada&label=true"
    )
    assert response.context["table"].paginator.count == 2
    assert response.context["totals"] == {"candidates": 2, "raters": 1, "ratings": 2}
    assert response.context["kappa"].kappa is None


def test_tag_and_date_filters(client, rated, rater):
    client.force_login(rater)
    flare = Tag.objects.get(name="Flare")
    url = reverse("ratings:summary")
    assert client.get(f"{url}?tag={flare.pk}").context["table"].paginator.count == 2
    Rating.objects.filter(user__username="cat").update(updated_at="2020-01-02T12:00Z")
    dated = client.get(f"{url}?updated_after=2020-01-01&updated_before=2020-01-02")
    assert dated.context["table"].paginator.count == 1
    observation = rated["observations"][1]
    by_observation = client.get(f"{url}?observation={observation.pk}")
    assert by_observation.context["table"].paginator.count == 1


def test_bad_filter_value_shows_an_error_and_no_rows(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:summary") + "?label=maybe&updated_after=x")
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0
    assert "Select a valid choice" in response.content.decode()


def test_sorting_is_server_side_and_stable(client, rated, rater):
    client.force_login(rater)
    response = client.get(reverse("ratings:summary") + "?sort=-candidate")
    names = [row.record.candidate.name for row in response.context["table"].rows]
    assert names == sorted(names, reverse=True)


def test_staff_see_delete_links(client, rated, staff):
    client.force_login(staff)
    html = client.get(reverse("ratings:summary")).content.decode()
    some_rating = Rating.objects.first()
    assert reverse("ratings:delete", args=[some_rating.pk]) in html


def test_consensus_and_disputed_lists(client, rated, rater):
    client.force_login(rater)
    rows = client.get(reverse("ratings:consensus")).context["table"].rows
    by_name = {row.record["candidate_name"]: row.record for row in rows}
    assert by_name["J000001-000001"]["consensus"] == "true"
    assert by_name["J000001-000001"]["observation"] == "survey/SB1"
    assert by_name["J000002-000002"]["consensus"] is None
    assert by_name["J000003-000003"]["n_raters"] == 1

    disputed = client.get(reverse("ratings:consensus") + "?disputed=1")
    names = [row.record["candidate_name"] for row in disputed.context["table"].rows]
    assert names == ["J000002-000002"]
    assert "tie" in disputed.content.decode()


@pytest.mark.parametrize(
    "url, queries",
    [
        # session, user, page + 6 prefetches, charts (3, which count the ratings:
        # no COUNT(*) for the pager), kappa, 4 choices,
        # the site header's 3 (Wagtail site, menu pages, user menu), and the
        # progress figures' 3 (one aggregate; the candidate total and the
        # projects' rules, both cached after this first view)
        (reverse("ratings:summary"), 23),
        # ... plus one lookup per model-choice filter value
        (reverse("ratings:summary") + "?user=ada&project=survey&sort=beam", 25),
        # session, user, count, page, 4 filter choices, header 3
        (reverse("ratings:consensus"), 11),
        (reverse("ratings:consensus") + "?disputed=1&sort=-n_raters", 11),
    ],
)
def test_query_count_does_not_grow_with_ratings(
    client, rated, staff, django_assert_max_num_queries, url, queries
):
    client.force_login(staff)
    extra_raters = [UserFactory() for _ in range(5)]
    for candidate in (CandidateFactory() for _ in range(30)):
        for user in extra_raters:
            Rating.objects.create(candidate=candidate, user=user, label="false")
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
