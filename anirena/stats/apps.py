from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "anirena.stats"
    label = "stats"
    verbose_name = "Statistics"
