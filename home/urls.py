"""Search, candidate lookup and public Wagtail images (before Wagtail's pages)."""

from django.urls import path, re_path
from wagtail.images.views.serve import ServeView

from home import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("lookup/", views.lookup, name="lookup"),
    # Images in public pages: MEDIA_URL is login-only, so page
    # images are served through Wagtail's signed image URLs instead.
    re_path(
        r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$",
        ServeView.as_view(action="serve"),
        name="wagtailimages_serve",
    ),
]
