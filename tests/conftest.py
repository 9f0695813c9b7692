import pytest

from tests.factories import make_user


@pytest.fixture
def uploader(db):
    return make_user("uploader")


@pytest.fixture
def uploader_client(client, uploader):
    client.force_login(uploader)
    return client


@pytest.fixture
def site_data(transactional_db):
    """Load the categories and languages again: transactional tests empty every table when they end."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("anirena.torrents.migrations.0002_categories_and_languages")
    migration.load(apps, None)


@pytest.fixture(autouse=True)
def _reset_language():
    """Return to the default language after each test.

    LocaleMiddleware activates the request's language in the thread that serves it, which in
    tests is the test's own thread, so a page fetched in Japanese would leak into later tests.
    """
    yield
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.deactivate()
