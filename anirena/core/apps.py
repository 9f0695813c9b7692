from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anirena.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from anirena.core import jobs  # noqa: F401 - registers the in-process job consumer
