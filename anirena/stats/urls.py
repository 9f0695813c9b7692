from django.urls import path

from anirena.stats import views

app_name = "stats"

urlpatterns = [
    path("stats", views.stats, name="stats"),
]
