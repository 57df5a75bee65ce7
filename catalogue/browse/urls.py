from django.urls import path, re_path

from catalogue.browse import saved_query_views, views

app_name = "catalogue"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="list"),
    path("columns/", views.choose_columns, name="columns"),
    path("queries/", saved_query_views.save, name="save_query"),
    path(
        "queries/<int:pk>/delete/",
        saved_query_views.delete,
        name="delete_query",
    ),
    re_path(
        r"^export\.(?P<export_format>csv|ecsv|vot|fits)$",
        views.CatalogueExportView.as_view(),
        name="export",
    ),
]
