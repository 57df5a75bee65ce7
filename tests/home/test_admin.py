"""One admin for editors and staff: Wagtail at /cms/, Django admin at /django-admin/."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import ReleaseNotePage
from rating.models import Rating, Tag, save_rating
from tests.factories import (
    CandidateFactory,
    ObservationFactory,
    ProjectFactory,
    TagFactory,
)


def release_note_form(**overrides):
    data = {
        "title": "Keyboard rating",
        "slug": "v2-0-0",
        "version": "2.0.0",
        "release_date": "2026-11-27",
        "body": streamfield(
            [
                ("heading", "New"),
                ("paragraph", rich_text("<p>Rate with <b>t</b>, <b>f</b>, u.</p>")),
                (
                    "callout",
                    {"title": "Heads up", "text": rich_text("<p>Log in again.</p>")},
                ),
                (
                    "catalogue_link",
                    {"label": "Try it", "query": "rating_status=unrated_by_me"},
                ),
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def add_note_url(index):
    return reverse("wagtailadmin_pages:add", args=["home", "releasenotepage", index.pk])


@pytest.mark.django_db
def test_editor_creates_and_publishes_a_release_note(client, editor, release_index):
    client.force_login(editor)
    data = release_note_form()
    data["action-publish"] = "action-publish"

    response = client.post(add_note_url(release_index), data)

    assert response.status_code == 302, getattr(response, "context", {}) and (
        response.context["form"].errors
    )
    note = ReleaseNotePage.objects.get(slug="v2-0-0")
    assert note.live and note.get_parent().pk == release_index.pk
    assert [block.block_type for block in note.body] == [
        "heading",
        "paragraph",
        "callout",
        "catalogue_link",
    ]
    assert note.body[2].value["title"] == "Heads up"

    client.logout()
    html = client.get("/release-notes/v2-0-0/").content.decode()
    assert "Rate with <b>t</b>" in html and "Log in again." in html
    assert 'href="/catalogue/?rating_status=unrated_by_me"' in html


@pytest.mark.django_db
def test_release_note_with_a_full_address_as_filter_is_refused(
    client, editor, release_index
):
    client.force_login(editor)
    data = release_note_form(
        body=streamfield(
            [("catalogue_link", {"label": "Away", "query": "https://evil.example/"})]
        )
    )
    data["action-publish"] = "action-publish"

    response = client.post(add_note_url(release_index), data)

    assert response.status_code == 200  # the form again, with the error
    assert "not a full address" in response.content.decode()
    assert not ReleaseNotePage.objects.filter(slug="v2-0-0").exists()


@pytest.mark.django_db
def test_editor_cannot_put_a_release_note_under_the_home_page(client, editor, home):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["home", "releasenotepage", home.pk])
    data = release_note_form()
    data["action-publish"] = "action-publish"

    response = client.post(url, data)

    # Wagtail refuses with a message and a redirect to the dashboard.
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_home"
    )
    assert not ReleaseNotePage.objects.exists()


@pytest.mark.django_db
def test_rater_cannot_reach_the_wagtail_admin(client, rater, release_index):
    client.force_login(rater)

    dashboard = client.get("/cms/")
    add = client.post(add_note_url(release_index), release_note_form())

    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("wagtailadmin_login"))
    assert add.status_code == 302
    assert not ReleaseNotePage.objects.exists()
    assert client.get("/cms/ratings/").status_code == 302


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.django_db
def test_editor_dashboard_and_page_explorer(client, editor, home):
    client.force_login(editor)

    assert client.get("/cms/").status_code == 200
    assert (
        client.get(reverse("wagtailadmin_explore", args=[home.pk])).status_code == 200
    )
    # Publishing rights sit on the home page (migration 0004).
    perms = home.permissions_for_user(editor)
    assert perms.can_publish() and perms.can_add_subpage() and perms.can_edit()
    root_perms = Page.get_first_root_node().permissions_for_user(editor)
    assert not root_perms.can_publish()


@pytest.fixture
def rated(rater):
    candidates = [CandidateFactory(name="J000001-100000"), CandidateFactory()]
    flare = Tag.objects.get(name="Flaring star")
    save_rating(candidates[0], rater, "true", tag=flare, notes="clear flare")
    save_rating(candidates[1], rater, "false", notes="sidelobe")
    return candidates


@pytest.mark.django_db
def test_editor_browses_ratings_with_search_and_filter(client, editor, rated):
    client.force_login(editor)

    everything = client.get("/cms/ratings/").content.decode()
    searched = client.get("/cms/ratings/", {"q": rated[0].name}).content.decode()
    filtered = client.get("/cms/ratings/", {"label": "false"}).content.decode()

    assert rated[0].name in everything and rated[1].name in everything
    assert rated[0].name in searched and rated[1].name not in searched
    assert rated[1].name in filtered and rated[0].name not in filtered


@pytest.mark.django_db
def test_editor_browses_observations_projects_and_tags(client, editor):
    wanted = ObservationFactory(sbid="SB777", project=ProjectFactory(slug="vast"))
    ObservationFactory(sbid="SB888", project=ProjectFactory(slug="racs"))
    client.force_login(editor)

    observations = client.get("/cms/observations/", {"project": wanted.project_id})
    projects = client.get("/cms/projects/", {"q": "vas"}).content.decode()
    tags = client.get("/cms/tags/", {"q": "pulsar"}).content.decode()

    assert "SB777" in observations.content.decode()
    assert "SB888" not in observations.content.decode()
    assert "vast" in projects and "racs" not in projects
    assert "Known pulsar" in tags and "New pulsar" in tags and "AGN" not in tags


@pytest.mark.django_db
def test_ratings_list_has_a_constant_number_of_queries(
    client, editor, rater, django_assert_max_num_queries
):
    save_rating(CandidateFactory(), rater, "unsure", tag=TagFactory())
    client.force_login(editor)
    client.get("/cms/ratings/")  # warm per-process caches
    with django_assert_max_num_queries(30) as few:
        client.get("/cms/ratings/")

    for _ in range(10):
        save_rating(CandidateFactory(), rater, "unsure", tag=TagFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/cms/ratings/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_ratings_and_observations_are_read_only_in_the_wagtail_admin(
    client, editor, staff, rated
):
    observation = rated[0].observation
    rating = Rating.objects.get(candidate=rated[0])
    client.force_login(editor)
    assert (
        client.get(reverse("cms_ratings:inspect", args=[rating.pk])).status_code == 200
    )
    assert client.get(reverse("cms_ratings:edit", args=[rating.pk])).status_code == 302
    assert (
        client.post(reverse("cms_ratings:delete", args=[rating.pk])).status_code == 302
    )
    assert Rating.objects.filter(pk=rating.pk).exists()

    client.force_login(staff)  # a superuser: still no hand edits
    edit_observation = reverse("cms_observations:edit", args=[observation.pk])
    assert client.get(edit_observation).status_code == 302
    assert client.get(reverse("cms_observations:add")).status_code == 302
    assert client.get(reverse("cms_ratings:add")).status_code == 302
    response = client.post(reverse("cms_ratings:delete", args=[rating.pk]))
    assert response.status_code == 302
    assert not Rating.objects.filter(pk=rating.pk).exists()


@pytest.mark.django_db
def test_editor_can_add_a_tag_in_the_wagtail_admin(client, editor):
    client.force_login(editor)

    response = client.post(
        reverse("cms_tags:add"), {"name": "Scintillation", "description": ""}
    )

    assert response.status_code == 302
    assert Tag.objects.filter(name="Scintillation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("rater", 302), ("editor", 302), ("staff", 200)]
)
def test_django_admin_is_for_staff_only(client, who, status, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get("/django-admin/")

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/django-admin/login/")


@pytest.mark.django_db
def test_staff_search_candidates_and_ratings_in_django_admin(client, staff, rated):
    client.force_login(staff)

    candidates = client.get("/django-admin/catalogue/candidate/", {"q": rated[0].name})
    ratings = client.get("/django-admin/rating/rating/", {"label__exact": "true"})
    rating = Rating.objects.get(candidate=rated[0])
    detail = client.get(f"/django-admin/rating/rating/{rating.pk}/change/")

    assert rated[0].name in candidates.content.decode()
    assert rated[0].name in ratings.content.decode()
    assert rated[1].name not in ratings.content.decode()
    assert "clear flare" in detail.content.decode()  # history inline
