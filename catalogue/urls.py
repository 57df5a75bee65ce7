from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="list"),
]
