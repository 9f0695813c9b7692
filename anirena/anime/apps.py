from django.apps import AppConfig


class AnimeConfig(AppConfig):
    name = "anirena.anime"
    label = "anime"
    verbose_name = "Anime database"
