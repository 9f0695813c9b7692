from django.apps import AppConfig


class TorrentsConfig(AppConfig):
    name = "anirena.torrents"
    label = "torrents"
    verbose_name = "Torrents"
