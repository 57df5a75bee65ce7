"""Project rating settings are edited in the Wagtail admin (/cms/), by staff."""

import pytest

from rating.policy import ProjectRatingSettings, project_rules, settings_for
from tests.factories import ProjectFactory

ADMIN_URL = "/cms/project-rating-settings/"


@pytest.mark.django_db
def test_staff_edit_a_projects_target_and_visibility(client, staff):
    project = ProjectFactory(slug="vast")
    settings = settings_for(project)
    assert project_rules()[project.pk].target_raters == 3  # cached now
    client.force_login(staff)

    listing = client.get(ADMIN_URL)
    response = client.post(
        f"{ADMIN_URL}edit/{settings.pk}/",
        {
            "project": project.pk,
            "target_raters": "5",
            "majority_fraction": "0.75",
            "team_visibility": "always",
        },
    )

    assert listing.status_code == 200 and "Vast" in listing.content.decode()
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.target_raters, settings.majority_fraction) == (5, 0.75)
    assert settings.team_visibility == "always"
    assert project_rules()[project.pk].target_raters == 5  # the cache forgot


@pytest.mark.django_db
def test_a_bad_majority_is_refused_and_changes_nothing(client, staff):
    settings = settings_for(ProjectFactory())
    client.force_login(staff)

    response = client.post(
        f"{ADMIN_URL}edit/{settings.pk}/",
        {
            "project": settings.project_id,
            "target_raters": "0",
            "majority_fraction": "0.5",  # a tie would retire a candidate
            "team_visibility": "always",
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "greater than or equal to 1" in html
    assert "must be more than 0.5" in html
    settings.refresh_from_db()
    assert (settings.target_raters, settings.team_visibility) == (3, "after_rating")


@pytest.mark.django_db
def test_raters_cannot_reach_the_settings(client, rater):
    client.force_login(rater)
    assert client.get(ADMIN_URL).status_code == 302  # to the admin login
    assert not ProjectRatingSettings.objects.exists()
