from django.urls import path

from . import views

app_name = "rating"

urlpatterns = [
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate"),
]
