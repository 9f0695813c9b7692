from django.urls import path

from anirena.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("guide", views.guide, name="guide"),
    path("terms", views.terms, name="terms"),
]
