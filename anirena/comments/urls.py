from django.urls import path

from anirena.comments import views

app_name = "comments"

urlpatterns = [
    path("torrents/<uuid:torrent_id>/comments", views.comment_list, name="list"),
    path("torrents/<uuid:torrent_id>/comments/new", views.comment_create, name="create"),
    path("torrents/<uuid:torrent_id>/comments/lock", views.comments_lock, name="lock"),
    path("comments/<uuid:comment_id>", views.comment_detail, name="detail"),
    path("comments/<uuid:comment_id>/edit", views.comment_edit, name="edit"),
    path("comments/<uuid:comment_id>/delete", views.comment_delete, name="delete"),
]
