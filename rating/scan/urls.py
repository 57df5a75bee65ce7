from django.urls import path

from rating.scan import views

app_name = "scan"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("cards/", views.cards, name="cards"),
    path("rate/", views.rate, name="rate"),
    path("undo/", views.undo, name="undo"),
    path("action/", views.action, name="action"),
    path("<int:pk>/slices-peak.png", views.peak_preview, name="peak_preview"),
]
