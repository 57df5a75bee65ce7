"""Project admin pages, mounted at `/project-admin/`."""

from django.urls import path

from catalogue.access import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<slug:slug>/", views.project_manage, name="manage"),
    path("<slug:slug>/settings/", views.project_settings, name="settings"),
    path("<slug:slug>/members/", views.member_set, name="member_set"),
    path(
        "<slug:slug>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
