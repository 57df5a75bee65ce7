"""The page tree is constrained: each page type only where it belongs."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, ReleaseNotePage, ReleaseNotesIndexPage, StandardPage


class PageTreeTests(WagtailPageTestCase):
    def test_allowed_children_of_each_page_type(self):
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, ReleaseNotesIndexPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertAllowedSubpageTypes(ReleaseNotesIndexPage, {ReleaseNotePage})
        self.assertAllowedSubpageTypes(ReleaseNotePage, set())

    def test_allowed_parents_of_each_page_type(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedParentPageTypes(ReleaseNotesIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(ReleaseNotePage, {ReleaseNotesIndexPage})

    def test_release_notes_only_under_the_index(self):
        self.assertCanCreateAt(ReleaseNotesIndexPage, ReleaseNotePage)
        self.assertCanNotCreateAt(HomePage, ReleaseNotePage)
        self.assertCanNotCreateAt(StandardPage, ReleaseNotePage)
        self.assertCanNotCreateAt(ReleaseNotePage, ReleaseNotePage)

    def test_project_pages_under_home_or_another_project_page(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(ReleaseNotesIndexPage, StandardPage)
        self.assertCanNotCreateAt(Page, StandardPage)

    def test_one_home_page_and_one_release_notes_index_on_real_pages(self):
        root = Page.get_first_root_node()
        home = HomePage.objects.get()
        assert not HomePage.can_create_at(root)  # the migration made the one allowed
        assert ReleaseNotesIndexPage.can_create_at(home)

        index = ReleaseNotesIndexPage(title="Release notes", slug="release-notes")
        home.add_child(instance=index)
        project = StandardPage(title="Survey", slug="survey")
        home.add_child(instance=project)

        assert not ReleaseNotesIndexPage.can_create_at(home)
        assert not ReleaseNotesIndexPage.can_create_at(project)
        assert ReleaseNotePage.can_create_at(index)
        assert not ReleaseNotePage.can_create_at(home)
        assert not ReleaseNotePage.can_create_at(project)
        assert StandardPage.can_create_at(project)
        assert not StandardPage.can_create_at(index)
