"""`/ratings/`: summary tabs, downloads and staff deletion of a rating."""

from django.urls import path

from rating.summary import views

app_name = "ratings"

urlpatterns = [
    path("", views.RatingSummaryView.as_view(), name="summary"),
    path("consensus/", views.ConsensusView.as_view(), name="consensus"),
    path("download/ratings.zip", views.RatingsZipView.as_view(), name="zip"),
    path(
        "download/training-set.<str:fmt>",
        views.TrainingSetView.as_view(),
        name="training_set",
    ),
    path("<int:pk>/delete/", views.RatingDeleteView.as_view(), name="delete"),
]
