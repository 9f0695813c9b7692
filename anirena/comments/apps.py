from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "anirena.comments"
    label = "comments"
    verbose_name = "Comments"
