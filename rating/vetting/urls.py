from django.urls import path, re_path

from rating.vetting import file_views, views

app_name = "rating"

urlpatterns = [
    path("candidates/next/", views.rate_next, name="rate_next"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/rate/", views.rate, name="rate"),
    path("candidates/<int:pk>/comments/", views.comment, name="comment"),
    path("candidates/<int:pk>/position/", views.list_position, name="list_position"),
    re_path(
        r"^candidates/(?P<pk>\d+)/(?P<direction>previous|next)/$",
        views.neighbour,
        name="neighbour",
    ),
    path("tags/new/", views.tag_create, name="tag_create"),
    path(
        "candidates/<int:pk>/files/<slug:kind>/",
        file_views.file_download,
        name="file",
    ),
    path(
        "candidates/<int:pk>/preview/<slug:kind>.png",
        file_views.preview,
        name="preview",
    ),
    path(
        "candidates/<int:pk>/slices-gif/<int:frame>.png",
        file_views.gif_frame,
        name="gif_frame",
    ),
    path(
        "candidates/<int:pk>/lightcurve.csv",
        file_views.lightcurve_csv_view,
        name="lightcurve_csv",
    ),
    path(
        "candidates/<int:pk>/lightcurve.svg",
        file_views.lightcurve_svg_view,
        name="lightcurve_svg",
    ),
    path("candidates/<int:pk>/nearby/", file_views.nearby, name="nearby"),
    path("candidates/<int:pk>/simbad/", file_views.simbad, name="simbad"),
]
