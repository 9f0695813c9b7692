from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "anirena.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from anirena.search import signals
        from anirena.search.schema import ensure_listing_indexes

        signals.connect()
        post_migrate.connect(ensure_listing_indexes, sender=self, dispatch_uid="search.listing_indexes")
