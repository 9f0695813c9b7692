from tests.community_factories import site_mode  # noqa: F401 - a fixture
