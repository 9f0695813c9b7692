"""Categories, sub-categories and languages, cached because every listing and feed needs them.

The cache entry is dropped whenever one of these rows is saved or deleted, so
an edit in the admin shows at once; the timeout only bounds memory.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CACHE_KEY = "search:catalog:v1"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Catalog:
    categories: list  # Category rows, each with `sub_categories.all()` prefetched
    languages: list  # Language rows in display order

    def category(self, slug: str):
        return next((category for category in self.categories if category.slug == slug), None)

    def adult_category_ids(self) -> list[int]:
        return [category.pk for category in self.categories if category.is_adult]

    def language_codes(self) -> dict[str, str]:
        """Map each lower-cased code to the code as stored."""
        return {language.code.lower(): language.code for language in self.languages}


def get_catalog() -> Catalog:
    catalog = cache.get(CACHE_KEY)
    if catalog is None:
        catalog = _load()
        cache.set(CACHE_KEY, catalog, CACHE_SECONDS)
    return catalog


def _load() -> Catalog:
    from anirena.torrents.models import Category, Language

    categories = list(Category.objects.prefetch_related("sub_categories").order_by("position", "pk"))
    languages = list(Language.objects.order_by("position", "code"))
    return Catalog(categories, languages)


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def connect() -> None:
    from anirena.torrents.models import Category, Language, SubCategory

    for model in (Category, SubCategory, Language):
        post_save.connect(forget, sender=model, dispatch_uid=f"search.catalog.save.{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"search.catalog.delete.{model.__name__}")
