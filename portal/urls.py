"""URL configuration: apps first, Wagtail's page serving last."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views
from portal.auth import PortalLoginView
from portal.media import protected_media

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("auth/check", views.auth_check, name="auth_check"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("catalogue/scan/", include("rating.scan.urls")),
    path("catalogue/", include("catalogue.browse.urls")),
    path("api/v1/", include("catalogue.api.urls")),
    path("tokens/", include("catalogue.api.tokens.urls")),
    path("project-admin/", include("catalogue.access.urls")),
    path("project-admin/", include("catalogue.siteadmin.project_urls")),
    path("", include("rating.vetting.urls")),
    path("ratings/", include("rating.summary.urls")),
    path("site-admin/", include("catalogue.siteadmin.urls")),
    re_path(r"^media/(?P<path>.+)$", protected_media, name="protected_media"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("home.urls")),
    path("", include(wagtail_urls)),
]
