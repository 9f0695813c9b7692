from django.urls import path

from anirena.search import feeds, views

app_name = "search"

urlpatterns = [
    path("rss", feeds.rss, name="rss"),
    path("bench/floor", views.framework_floor, name="framework_floor"),
]
