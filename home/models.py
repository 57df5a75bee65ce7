"""Wagtail page types.

The tree is constrained: HomePage (site root) → StandardPage (project
content, nestable) and one ReleaseNotesIndexPage → ReleaseNotePage.
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils.safestring import mark_safe
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from catalogue.browse.saved_queries import shared_queries
from home.blocks import BaseStreamBlock
from home.feeds import ReleaseNotesAtomFeed, ReleaseNotesFeed
from home.figures import user_figures
from home.links import app_links

RELEASE_NOTES_PER_PAGE = 10


def staging_details():
    """The reviewers' notes (`STAGING_DETAILS_PATH`) on staging, else None.

    The file is part of the deployed repository, written by the team, so its
    HTML is trusted.
    """
    if settings.PORTAL_ENVIRONMENT != "staging":
        return None
    try:
        text = settings.STAGING_DETAILS_PATH.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return None
    return mark_safe(text)


# The home page lists this many of the team's shared catalogue queries, by name.
MAX_SHARED_QUERIES_SHOWN = 20


class HomePage(Page):
    """The site root: an editable introduction and body, live figures."""

    intro = RichTextField(blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StandardPage", "home.ReleaseNotesIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["figures"] = user_figures(request.user)
            context["links"] = app_links()
            context["shared_queries"] = list(
                shared_queries()[:MAX_SHARED_QUERIES_SHOWN]
            )
        context["staging_details"] = staging_details()
        return context


class StandardPage(Page):
    """Project content: a lead paragraph and a free body."""

    intro = models.TextField(blank=True, help_text="One or two sentences at the top")
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]


class ReleaseNotesIndexPage(RoutablePageMixin, Page):
    """Lists release notes newest first, paginated, with RSS and Atom feeds."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ReleaseNotePage"]
    max_count = 1

    def release_notes(self):
        """Live release notes under this index, newest release first."""
        return (
            ReleaseNotePage.objects.live()
            .child_of(self)
            .order_by("-release_date", "-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.release_notes(), RELEASE_NOTES_PER_PAGE)
        context["notes"] = paginator.get_page(request.GET.get("page"))
        context["feed_url"] = self.url + self.reverse_subpage("rss")
        context["atom_url"] = self.url + self.reverse_subpage("atom")
        return context

    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("feed/", name="rss")
    def rss_feed(self, request):
        return ReleaseNotesFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        return ReleaseNotesAtomFeed(self)(request)


class ReleaseNotePage(Page):
    """What changed in one release of the portal."""

    version = models.CharField(max_length=32, help_text="e.g. 1.4.0")
    release_date = models.DateField(default=datetime.date.today)
    body = StreamField(BaseStreamBlock(), use_json_field=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("version"), FieldPanel("release_date")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("version"),
        index.SearchField("body"),
        index.FilterField("release_date"),
    ]
    parent_page_types = ["home.ReleaseNotesIndexPage"]
    subpage_types = []
