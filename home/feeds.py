"""RSS 2.0 and Atom feeds of the release notes, newest release first."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

FEED_LENGTH = 20


class ReleaseNotesFeed(Feed):
    """The release notes under one ReleaseNotesIndexPage (RSS 2.0)."""

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"Candidate Portal: {self.index_page.title}"

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return "What changed in each release of the Candidate Portal."

    def items(self):
        return self.index_page.release_notes()[:FEED_LENGTH]

    def item_title(self, note):
        return f"{note.version}: {note.title}"

    def item_description(self, note):
        return note.body.render_as_block()

    def item_link(self, note):
        return note.get_url(self.request)

    def item_pubdate(self, note):
        return datetime.datetime.combine(
            note.release_date, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, note):
        return note.last_published_at


class ReleaseNotesAtomFeed(ReleaseNotesFeed):
    feed_type = Atom1Feed
    subtitle = ReleaseNotesFeed.description
