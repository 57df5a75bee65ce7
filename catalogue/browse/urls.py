from django.urls import path, re_path

from catalogue.browse import views

app_name = "catalogue"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="list"),
    path("columns/", views.choose_columns, name="columns"),
    re_path(
        r"^export\.(?P<export_format>csv|ecsv|vot|fits)$",
        views.CatalogueExportView.as_view(),
        name="export",
    ),
]
