"""Staging shows [STAGING] everywhere and the reviewers' notes on the home page."""

import pytest

STAGING = "[STAGING]"
NOTES = "<section id='reviewer-notes'><p>Check the new feed.</p></section>"


@pytest.fixture
def staging_details(settings, tmp_path):
    """A staging-details.html written to a temporary file."""
    path = tmp_path / "staging-details.html"
    path.write_text(NOTES, encoding="utf-8")
    settings.STAGING_DETAILS_PATH = path
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("environment", ["staging", "production", "dev"])
def test_site_pages_show_the_staging_badge_only_on_staging(
    client, settings, rater, release_index, environment
):
    settings.PORTAL_ENVIRONMENT = environment
    client.force_login(rater)

    for url in ["/", release_index.url, "/catalogue/", "/search/?q=x"]:
        html = client.get(url).content.decode()
        assert (STAGING in html) == (environment == "staging"), url


@pytest.mark.django_db
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_admin_pages_show_the_staging_banner_only_on_staging(
    client, settings, editor, staff, environment
):
    settings.PORTAL_ENVIRONMENT = environment
    on_staging = environment == "staging"

    login = client.get("/cms/login/").content.decode()
    client.force_login(editor)
    dashboard = client.get("/cms/").content.decode()
    explorer = client.get("/cms/pages/").content.decode()
    client.force_login(staff)
    django_admin = client.get("/django-admin/").content.decode()

    for html in (login, dashboard, explorer, django_admin):
        assert (STAGING in html) == on_staging
        assert ('class="portal-staging-banner"' in html) == on_staging
    assert ("css/admin-staging.css" in dashboard) == on_staging


@pytest.mark.django_db
def test_home_page_shows_staging_details_on_staging(client, settings, staging_details):
    settings.PORTAL_ENVIRONMENT = "staging"

    html = client.get("/").content.decode()

    assert NOTES in html


@pytest.mark.django_db
def test_home_page_shows_nothing_when_staging_details_is_absent(
    client, settings, tmp_path
):
    settings.PORTAL_ENVIRONMENT = "staging"
    settings.STAGING_DETAILS_PATH = tmp_path / "staging-details.html"

    response = client.get("/")

    assert response.status_code == 200
    assert "staging-notes" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("environment", ["production", "dev"])
def test_staging_details_never_shown_outside_staging(
    client, settings, staging_details, environment
):
    settings.PORTAL_ENVIRONMENT = environment

    html = client.get("/").content.decode()

    assert "reviewer-notes" not in html and "staging-notes" not in html


def test_repository_ships_an_example_staging_details_file(settings):
    from django.conf import settings as live

    assert (live.BASE_DIR / "staging-details.html").read_text().strip()
