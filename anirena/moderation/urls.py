from django.urls import path

from anirena.moderation import views

app_name = "moderation"

urlpatterns = [
    path("report/torrent/<uuid:torrent_id>", views.report_torrent, name="report_torrent"),
    path("report/comment/<uuid:comment_id>", views.report_comment, name="report_comment"),
]
