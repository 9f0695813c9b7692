import pytest
from django.core.cache import cache

from anirena.search import catalog, index
from tests.factories import make_user
from tests.search.helpers import TorrentMaker


@pytest.fixture(autouse=True)
def fresh_search_cache():
    """Forget cached feeds and the catalog: they outlive the rolled-back database of the previous test.

    Only this app's keys are touched, because with Redis the cache is shared with other test runs.
    """
    cache.delete(catalog.CACHE_KEY)
    index.bump_generation()
    yield
    cache.delete(catalog.CACHE_KEY)


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def torrents(db, alice):
    """Insert torrent rows directly (with their file lists), for tests where the upload path is not the point."""
    return TorrentMaker(alice)
