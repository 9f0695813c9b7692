"""Categories, sub-categories and languages, kept in each process because every listing and feed needs them.

Each process keeps the rows it loaded together with a version token read from
the shared cache. Saving or deleting one of these rows replaces the token, so
every process (every worker, with Redis) loads them again on its next request.
"""

import secrets

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CACHE_KEY = "search:catalog:version"


class Catalog:
    """The rows of one load, with the lookups listings need, built once per load."""

    def __init__(self, categories: list, languages: list):
        self.categories = categories  # each with `sub_categories.all()` prefetched
        self.languages = languages  # in display order
        self.category_by_id = {category.pk: category for category in categories}
        self.sub_category_by_id = {sub.pk: sub for category in categories for sub in category.sub_categories.all()}
        self.language_by_code = {language.code: language for language in languages}
        # Each lower-cased code, mapped to the code as stored.
        self.language_codes = {language.code.lower(): language.code for language in languages}
        self.adult_category_ids = [category.pk for category in categories if category.is_adult]
        # Rendered fragments that depend only on these rows, filled by their users.
        self.memo: dict = {}

    def category(self, slug: str):
        return next((category for category in self.categories if category.slug == slug), None)


# (version token, Catalog) of this process.
_loaded: tuple[str, Catalog] | None = None


def get_catalog() -> Catalog:
    global _loaded
    version = cache.get(CACHE_KEY)
    if version is None:
        cache.add(CACHE_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(CACHE_KEY)
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    catalog = _load()
    _loaded = (version, catalog)
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
