"""Header and footer on every page, Wagtail and Django alike."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from home.menu import forget_menus
from home.models import StandardPage
from tests.home.conftest import make_note, publish


def nav_links(html):
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


@pytest.fixture
def menu_pages(home, release_index, project_page):
    """Menu pages plus pages that must stay out of the menu."""
    publish(home, StandardPage(title="Hidden", slug="hidden", show_in_menus=False))
    draft = publish(home, StandardPage(title="Draft", slug="draft", show_in_menus=True))
    draft.unpublish()
    publish(
        project_page,
        StandardPage(title="Nested", slug="nested", show_in_menus=True),
    )
    make_note(release_index, "1.0.0", datetime.date(2026, 1, 1))


@pytest.mark.django_db
def test_menu_lists_live_top_level_menu_pages_in_tree_order(client, menu_pages):
    links = nav_links(client.get("/").content.decode())

    assert links == [("/release-notes/", "Release notes"), ("/survey/", "The survey")]


@pytest.mark.django_db
def test_menu_marks_the_current_section(client, menu_pages):
    html = client.get("/release-notes/v1-0-0/").content.decode()
    assert '<a href="/release-notes/" aria-current="page">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/release-notes/", "/catalogue/", "/search/"])
def test_header_and_footer_on_wagtail_and_django_pages(client, rater, menu_pages, url):
    client.force_login(rater)

    html = client.get(url).content.decode()

    assert '<header class="site-header">' in html
    assert '<footer class="site-footer">' in html
    links = dict((text, href) for href, text in nav_links(html))
    assert links["Catalogue"] == reverse("catalogue:list")
    assert links["Rate next"] == reverse("rating:rate_next")
    assert links["The survey"] == "/survey/"
    assert reverse("password_change") in html
    assert f'action="{reverse("logout")}"' in html


@pytest.mark.django_db
def test_menu_is_cached_until_the_page_tree_changes(
    client, home, menu_pages, django_assert_num_queries
):
    client.get("/search/")  # warm Wagtail's site-root cache
    forget_menus()
    template = Template("{% load navigation_tags %}{% main_menu %}")
    request = RequestFactory().get("/search/")
    with django_assert_num_queries(2):  # the request's Site, then the menu pages
        template.render(Context({"request": request}))
    with django_assert_num_queries(0):
        cached = template.render(Context({"request": request}))
    assert "/survey/" in cached and "/news/" not in cached

    publish(home, StandardPage(title="News", slug="news", show_in_menus=True))
    assert "/news/" in template.render(Context({"request": request}))

    StandardPage.objects.get(slug="news").delete()
    assert "/news/" not in template.render(Context({"request": request}))

    survey = StandardPage.objects.get(slug="survey")
    survey.unpublish()
    assert "/survey/" not in template.render(Context({"request": request}))


@pytest.mark.django_db
def test_user_menu_by_role(client, rater, editor, staff, home):
    anonymous = client.get("/").content.decode()
    client.force_login(rater)
    as_rater = client.get("/").content.decode()
    client.force_login(editor)
    as_editor = client.get("/").content.decode()
    client.force_login(staff)
    as_staff = client.get("/").content.decode()

    cms = f'href="{reverse("wagtailadmin_home")}"'
    django_admin = f'href="{reverse("admin:index")}"'
    assert reverse("login") in anonymous and "Log out" not in anonymous
    assert (
        "Log out" in as_rater and cms not in as_rater and django_admin not in as_rater
    )
    assert cms in as_editor and django_admin not in as_editor
    assert cms in as_staff and django_admin in as_staff


@pytest.mark.django_db
def test_anonymous_header_hides_candidate_links(client, home):
    links = [text for _, text in nav_links(client.get("/").content.decode())]
    assert "Catalogue" not in links and "Rate next" not in links
