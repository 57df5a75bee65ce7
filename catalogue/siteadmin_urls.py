"""`/site-admin/` (staff only): storage overview and deletion of data."""

from django.urls import path

from . import siteadmin

app_name = "siteadmin"

urlpatterns = [
    path("", siteadmin.SiteAdminView.as_view(), name="index"),
    path(
        "observations/<int:pk>/delete/",
        siteadmin.ObservationDeleteView.as_view(),
        name="delete_observation",
    ),
    path(
        "projects/<slug:slug>/delete/",
        siteadmin.ProjectDeleteView.as_view(),
        name="delete_project",
    ),
]
