"""Settings of the search app, read from Django settings with environment fallbacks.

Each value may be set in ``anirena/settings.py``; otherwise it comes from the
environment variable named beside it, or from the default.
"""

from django.conf import settings

from anirena.env import env_bool, env_int

# Text searches rank the newest matches of this many by relevance; later
# matches follow, newest first. It bounds the cost of common words.
RANK_WINDOW = 1000
# Result counts are exact up to this number; above it a page shows "more than".
COUNT_LIMIT = 1000
# A text search sorted by size, name, completed downloads or peers sorts the
# newest matches of this many, so a common word cannot sort the whole table.
SORT_WINDOW = 5000
# Seconds a rendered feed stays in the server-side cache, and the max-age sent to clients.
FEED_CACHE_SECONDS = 60


def listing_cache_seconds() -> int:
    """Return how long a rendered home-page table is reused: ``LISTING_CACHE_SECONDS``, else
    ``ANIRENA_LISTING_CACHE_SECONDS``, else 15; 0 turns the cache off."""
    configured = getattr(settings, "LISTING_CACHE_SECONDS", None)
    if configured is not None:
        return int(configured)
    return env_int("ANIRENA_LISTING_CACHE_SECONDS", 15, minimum=0, maximum=3600)


def rss_items() -> int:
    """Return how many items a feed lists: ``RSS_ITEMS``, else ``ANIRENA_RSS_ITEMS``, else 75."""
    configured = getattr(settings, "RSS_ITEMS", None)
    if configured is not None:
        return int(configured)
    return env_int("ANIRENA_RSS_ITEMS", 75, minimum=1, maximum=500)


def benchmark_views_enabled() -> bool:
    """Tell whether the framework-floor view for benchmarks is served (``ANIRENA_BENCHMARK_VIEWS``)."""
    configured = getattr(settings, "SEARCH_BENCHMARK_VIEWS", None)
    if configured is not None:
        return bool(configured)
    return env_bool("ANIRENA_BENCHMARK_VIEWS", False)
