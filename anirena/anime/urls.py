from django.urls import path

from anirena.anime import views

app_name = "anime"

urlpatterns = [
    path("anime/search", views.search, name="search"),
    path("anime/pick", views.pick, name="pick_none"),
    path("anime/pick/<uuid:anime_id>", views.pick, name="pick"),
    path("anime/<uuid:anime_id>", views.detail, name="detail"),
    path("torrents/<uuid:torrent_id>/anime", views.link, name="link"),
]
