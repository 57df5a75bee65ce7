"""URLs of the upload API, mounted at `/api/v1/` (see `catalogue.api.views`)."""

from django.urls import path, re_path

from catalogue.api import docs as api_docs
from catalogue.api.errors import api_not_found
from catalogue.api.views import reading, uploads

app_name = "api"

OBSERVATION = "projects/<slug:project>/observations/<str:sbid>/"

urlpatterns = [
    path("projects/", reading.ProjectList.as_view(), name="projects"),
    path(
        "projects/<slug:project>/observations/",
        reading.ObservationList.as_view(),
        name="observations",
    ),
    path(
        "observations/",
        reading.ObservationCreate.as_view(),
        name="observation-create",
    ),
    path(OBSERVATION, reading.ObservationDetail.as_view(), name="observation"),
    path(
        OBSERVATION + "beams/<int:index>/",
        reading.BeamState.as_view(),
        name="beam",
    ),
    path(
        OBSERVATION + "beams/<int:index>/tables/",
        uploads.BeamTables.as_view(),
        name="beam-tables",
    ),
    path(OBSERVATION + "files/", uploads.FileUpload.as_view(), name="files"),
    path(OBSERVATION + "files/batch/", uploads.FileBatch.as_view(), name="file-batch"),
    path("schema/", api_docs.SchemaView.as_view(), name="schema"),
    path("docs/", api_docs.api_docs, name="docs"),
    re_path(r"^(?P<path>.*)$", api_not_found),
]
