from django.urls import path, register_converter

from anirena.torrents import views
from anirena.torrents.converters import TorrentIdConverter

register_converter(TorrentIdConverter, "torrent_id")

app_name = "torrents"

urlpatterns = [
    path("", views.home, name="home"),
    path("upload", views.upload, name="upload"),
    path("upload/preview", views.upload_preview, name="upload_preview"),
    path("torrents/<torrent_id:torrent_id>.torrent", views.download, name="download"),
    path("torrents/<torrent_id:torrent_id>/magnet", views.magnet, name="magnet"),
    path("torrents/<torrent_id:torrent_id>", views.detail, name="detail"),
    path("dl/<int:old_id>", views.legacy_download, name="legacy_download"),
]
