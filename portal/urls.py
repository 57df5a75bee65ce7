"""URL configuration: apps first, Wagtail's page serving last."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .auth import PortalLoginView
from .media import protected_media

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
    path("catalogue/", include("catalogue.urls")),
    path("api/v1/", include("catalogue.api_urls")),
    path("tokens/", include("catalogue.token_urls")),
    path("", include("rating.urls")),
    path("ratings/", include("rating.summary_urls")),
    path("site-admin/", include("catalogue.siteadmin_urls")),
    re_path(r"^media/(?P<path>.+)$", protected_media, name="protected_media"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("home.urls")),
    path("", include(wagtail_urls)),
]
