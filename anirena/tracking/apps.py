from django.apps import AppConfig


class TrackingConfig(AppConfig):
    """The site's side of the tracker: which torrents it serves and where its counts go."""

    name = "anirena.tracking"
    label = "tracking"
    verbose_name = "Tracker"

    def ready(self):
        from anirena.tracking import runtime

        runtime.install()
