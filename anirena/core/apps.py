from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anirena.core"
    label = "core"
    verbose_name = "Site"
