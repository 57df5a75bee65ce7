"""URLs of the upload API, mounted at `/api/v1/` (see `catalogue.api.views`)."""

from django.urls import path, re_path

from catalogue.api import docs as api_docs
from catalogue.api import views as api_views
from catalogue.api.errors import api_not_found

app_name = "api"

OBSERVATION = "projects/<slug:project>/observations/<str:sbid>/"

urlpatterns = [
    path("projects/", api_views.ProjectList.as_view(), name="projects"),
    path(
        "projects/<slug:project>/observations/",
        api_views.ObservationList.as_view(),
        name="observations",
    ),
    path(
        "observations/",
        api_views.ObservationCreate.as_view(),
        name="observation-create",
    ),
    path(OBSERVATION, api_views.ObservationDetail.as_view(), name="observation"),
    path(
        OBSERVATION + "beams/<int:index>/",
        api_views.BeamState.as_view(),
        name="beam",
    ),
    path(
        OBSERVATION + "beams/<int:index>/tables/",
        api_views.BeamTables.as_view(),
        name="beam-tables",
    ),
    path(OBSERVATION + "files/", api_views.FileUpload.as_view(), name="files"),
    path("schema/", api_docs.SchemaView.as_view(), name="schema"),
    path("docs/", api_docs.api_docs, name="docs"),
    re_path(r"^(?P<path>.*)$", api_not_found),
]
