"""`manage.py setup_demo_pages`: demo content for the home page tree.

Idempotent: fills the home page body once, and creates the project page,
the release notes index and two release notes only when their slugs are free.
"""

import datetime

from django.core.management.base import BaseCommand
from wagtail.models import Page

from home.models import HomePage, ReleaseNotePage, ReleaseNotesIndexPage, StandardPage

HOME_BODY = [
    ("heading", "How to vet candidates"),
    (
        "paragraph",
        "<p>Open the catalogue, pick an observation, and rate each candidate "
        "<b>True</b>, <b>False</b> or <b>Unsure</b>. Add a tag when you recognise "
        "the kind of source. Keyboard shortcuts make long sessions quick.</p>",
    ),
    (
        "callout",
        {
            "title": "Demo data",
            "text": "<p>This site shows a synthetic observation, SB50230, "
            "generated for the demo.</p>",
        },
    ),
]

PROJECT_BODY = [
    ("heading", "The survey"),
    (
        "paragraph",
        "<p>The demo project searches a deep field for variable and transient "
        "radio sources on timescales of seconds to hours.</p>",
    ),
    (
        "table",
        {
            "caption": "Detection thresholds used by the pipeline",
            "table": {
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "data": [
                    ["Statistic", "Threshold"],
                    ["chi-square sigma", "≥ 5"],
                    ["peak map sigma", "≥ 5"],
                ],
            },
        },
    ),
    (
        "catalogue_link",
        {
            "label": "Candidates you have not rated yet",
            "query": "rating_status=unrated_by_me",
            "description": "The catalogue, filtered for you.",
        },
    ),
]

RELEASE_NOTES = [
    (
        "0.1.0",
        datetime.date(2026, 10, 1),
        "First public build",
        "<p>Catalogue, candidate pages and rating.</p>",
    ),
    (
        "0.2.0",
        datetime.date(2026, 11, 20),
        "Project pages and release notes",
        "<p>Editors can now publish project pages and release notes; the home "
        "page shows your rating progress.</p>",
    ),
]


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


class Command(BaseCommand):
    help = "Populate the home page, one project page and two release notes."

    def handle(self, **options):
        home = HomePage.objects.first()
        if home is None:
            self.stderr.write("No HomePage: run `manage.py migrate` first.")
            return
        if not home.body:
            home.body = HOME_BODY
            home.save_revision().publish()

        existing = set(Page.objects.child_of(home).values_list("slug", flat=True))
        if "project" not in existing:
            _publish(
                home,
                StandardPage(
                    title="The survey",
                    slug="project",
                    intro="What the survey looks for and how candidates are found.",
                    body=PROJECT_BODY,
                    show_in_menus=True,
                ),
            )
        index = ReleaseNotesIndexPage.objects.child_of(home).first()
        if index is None:
            index = _publish(
                home,
                ReleaseNotesIndexPage(
                    title="Release notes",
                    slug="release-notes",
                    intro="<p>What changed in each release of the portal.</p>",
                    show_in_menus=True,
                ),
            )
        versions = set(
            ReleaseNotePage.objects.child_of(index).values_list("version", flat=True)
        )
        for version, date, title, text in RELEASE_NOTES:
            if version not in versions:
                _publish(
                    index,
                    ReleaseNotePage(
                        title=title,
                        slug=f"v{version.replace('.', '-')}",
                        version=version,
                        release_date=date,
                        body=[("paragraph", text)],
                    ),
                )
        self.stdout.write(self.style.SUCCESS("Demo pages are in place."))
