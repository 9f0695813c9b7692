from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "anirena.moderation"
    label = "moderation"
    verbose_name = "Moderation"
