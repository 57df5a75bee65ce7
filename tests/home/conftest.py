"""Page fixtures for the Wagtail content tests: a small published tree."""

import datetime

import pytest

from home.models import HomePage, ReleaseNotePage, ReleaseNotesIndexPage, StandardPage


def publish(parent, page):
    """Add `page` under `parent` and publish it, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def home(db):
    """The HomePage that the data migration puts at the site root."""
    return HomePage.objects.get()


@pytest.fixture
def release_index(home):
    return publish(
        home,
        ReleaseNotesIndexPage(
            title="Release notes",
            slug="release-notes",
            intro="<p>Changes to the portal.</p>",
            show_in_menus=True,
        ),
    )


def make_note(index, version, date, text="<p>Bug fixes.</p>", title=None):
    return publish(
        index,
        ReleaseNotePage(
            title=title or f"Release {version}",
            slug=f"v{version.replace('.', '-')}",
            version=version,
            release_date=date,
            body=[("paragraph", text)],
        ),
    )


@pytest.fixture
def notes(release_index):
    """Three release notes created out of date order (oldest, newest, middle)."""
    return [
        make_note(release_index, "1.0.0", datetime.date(2026, 1, 10)),
        make_note(
            release_index,
            "1.2.0",
            datetime.date(2026, 6, 1),
            text="<p>Faster catalogue paging.</p>",
        ),
        make_note(release_index, "1.1.0", datetime.date(2026, 3, 5)),
    ]


@pytest.fixture
def project_page(home):
    return publish(
        home,
        StandardPage(
            title="The survey",
            slug="survey",
            intro="How candidates are found.",
            show_in_menus=True,
            body=[
                ("heading", "Detection"),
                ("paragraph", "<p>We search a deep field.</p>"),
                ("callout", {"title": "Note", "text": "<p>Thresholds change.</p>"}),
                (
                    "table",
                    {
                        "caption": "Thresholds",
                        "table": {
                            "first_row_is_table_header": True,
                            "first_col_is_header": False,
                            "data": [["Statistic", "Sigma"], ["chi-square", "5"]],
                        },
                    },
                ),
                (
                    "catalogue_link",
                    {
                        "label": "Unrated candidates",
                        "query": "rating_status=unrated_by_me&name=J22",
                        "description": "",
                    },
                ),
            ],
        ),
    )
