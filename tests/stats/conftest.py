from tests.community_factories import site_mode  # noqa: F401 - a fixture

import pytest
from django.core.cache import cache

from anirena.stats.services import PERIODS


@pytest.fixture(autouse=True)
def fresh_figures():
    """Drop cached statistics before and after each test, so counts come from this test's rows."""
    keys = [f"stats:figures:{period}" for period in PERIODS]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)
