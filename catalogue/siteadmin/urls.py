"""`/site-admin/` (staff only): storage overview and deletion of data."""

from django.urls import path

from catalogue.siteadmin import views

app_name = "siteadmin"

urlpatterns = [
    path("", views.SiteAdminView.as_view(), name="index"),
    path(
        "observations/<int:pk>/delete/",
        views.ObservationDeleteView.as_view(),
        name="delete_observation",
    ),
    path(
        "projects/<slug:slug>/delete/",
        views.ProjectDeleteView.as_view(),
        name="delete_project",
    ),
]
