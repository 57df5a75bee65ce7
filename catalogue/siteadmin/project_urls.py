"""Deletions a project admin makes from the project admin page
(mounted under `/project-admin/` next to `catalogue.access.urls`)."""

from django.urls import path

from catalogue.siteadmin import views

app_name = "project_data"

urlpatterns = [
    path(
        "<slug:slug>/observations/<int:pk>/delete/",
        views.ProjectObservationDeleteView.as_view(),
        name="delete_observation",
    ),
]
