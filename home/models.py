"""Wagtail page types (SPEC §10)."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import BaseStreamBlock


class HomePage(Page):
    """The site root: an editable introduction and body."""

    intro = RichTextField(blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
