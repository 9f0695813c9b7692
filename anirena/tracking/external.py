"""Seeder and leecher counts from the external trackers that torrents list, stored as ext_seeders and ext_leechers.

Off unless EXTERNAL_SCRAPE_ENABLED (environment: ANIRENA_EXTERNAL_SCRAPE)
is true, because it sends requests to the trackers named in uploaded
torrents. Each call scrapes one batch of public torrents, those scraped
longest ago first, and skips the site's own announce URLs. Private torrents
are never scraped: their trackers need the uploader's passkey, which the
site must not use.

Optional settings: EXTERNAL_SCRAPE_BATCH_SIZE (torrents per call, default
500) and EXTERNAL_SCRAPE_ALLOW_PRIVATE_ADDRESSES (contact trackers on
loopback and private networks, default false; for tests and closed
networks).
"""

import asyncio
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils import timezone

from anirena.torrents.models import Torrent
from anirena.torrents.peers import hashes_from_hex
from anirena.tracker.scrape import ScrapeOptions, scrape_round
from anirena.tracker.scrape.urls import announce_url_identity, endpoints_of

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
# Rows read per selected torrent at most, since many torrents list no external tracker.
SCAN_FACTOR = 4
BACKOFF_CACHE_KEY = "tracking:external-scrape:backoff"
CURSOR_CACHE_KEY = "tracking:external-scrape:cursor"
LOCK_CACHE_KEY = "tracking:external-scrape:lock"
SCRAPED_AT_FIELD = "ext_scraped_at"
# The columns are PositiveIntegerField, at most 2**31 - 1 on PostgreSQL.
MAX_COUNT = 2**31 - 1


def scrape_external_trackers(batch_size: int | None = None, options: ScrapeOptions | None = None) -> int | None:
    """Scrape one batch and store the counts; return how many torrents got counts.

    Returns None without sending anything when the setting is off or when
    another worker is running a batch. Torrents whose trackers all failed
    keep their previous counts. Runs its own event loop, so call it from a
    thread without a running loop, such as a huey worker.
    """
    if not getattr(settings, "EXTERNAL_SCRAPE_ENABLED", False):
        logger.debug("External scrapes are off (EXTERNAL_SCRAPE_ENABLED)")
        return None
    options = options or ScrapeOptions(
        allow_private_addresses=getattr(settings, "EXTERNAL_SCRAPE_ALLOW_PRIVATE_ADDRESSES", False)
    )
    # The lock outlives a stuck round by a minute at most.
    if not cache.add(LOCK_CACHE_KEY, True, timeout=int(options.round_budget) + 60):
        logger.info("External scrape skipped: another worker is running one")
        return None
    try:
        return _scrape_batch(batch_size or getattr(settings, "EXTERNAL_SCRAPE_BATCH_SIZE", DEFAULT_BATCH_SIZE), options)
    finally:
        cache.delete(LOCK_CACHE_KEY)


def _scrape_batch(batch_size: int, options: ScrapeOptions) -> int:
    own_urls = list(settings.ANNOUNCE_URLS)
    torrents, scanned, reached_end = _select(batch_size, own_urls)
    if not scanned:
        return 0
    result = asyncio.run(
        scrape_round(torrents, exclude_urls=own_urls, backoff_state=cache.get(BACKOFF_CACHE_KEY), options=options)
    )
    cache.set(BACKOFF_CACHE_KEY, result.backoff_state, timeout=None)
    _store_counts(result.counts)
    _mark_scanned(scanned, reached_end)
    return len(result.counts)


def _select(batch_size: int, own_urls: Sequence[str]) -> tuple[list[tuple[str, list[bytes], list[str]]], list, bool]:
    """Return up to `batch_size` torrents with external trackers, the keys of all rows read, and whether the table ended."""
    excluded = frozenset(identity for identity in map(announce_url_identity, own_urls) if identity is not None)
    limit = batch_size * SCAN_FACTOR
    rows = _candidate_rows(limit)
    torrents = []
    scanned = []
    for pk, info_hash_v1, info_hash_v2, tiers in rows:
        scanned.append(pk)
        urls = [url for tier in tiers or () if isinstance(tier, list) for url in tier if isinstance(url, str)]
        if endpoints_of(urls, excluded):
            torrents.append((str(pk), hashes_from_hex(info_hash_v1, info_hash_v2), urls))
            if len(torrents) == batch_size:
                break
    reached_end = len(rows) < limit and len(scanned) == len(rows)
    return torrents, scanned, reached_end


def _candidate_rows(limit: int) -> list:
    queryset = Torrent.objects.filter(is_private=False)
    if _has_scraped_at():
        queryset = queryset.order_by(F(SCRAPED_AT_FIELD).asc(nulls_first=True), "pk")
    else:
        # Without the column, walk the table in primary-key order and remember the position.
        cursor = cache.get(CURSOR_CACHE_KEY)
        queryset = queryset.order_by("pk")
        if cursor is not None:
            queryset = queryset.filter(pk__gt=cursor)
    return list(queryset.values_list("pk", "info_hash_v1", "info_hash_v2", "tracker_tiers")[:limit])


def _store_counts(counts: dict[str, tuple[int, int]]) -> None:
    changed = [
        Torrent(pk=key, ext_seeders=min(seeders, MAX_COUNT), ext_leechers=min(leechers, MAX_COUNT))
        for key, (seeders, leechers) in counts.items()
    ]
    # bulk_update skips save() and its signals, so updated_at and the search index stay as they are.
    Torrent.objects.bulk_update(changed, ["ext_seeders", "ext_leechers"], batch_size=500)


def _mark_scanned(scanned: list, reached_end: bool) -> None:
    if _has_scraped_at():
        Torrent.objects.filter(pk__in=scanned).update(**{SCRAPED_AT_FIELD: timezone.now()})
    elif reached_end:
        cache.delete(CURSOR_CACHE_KEY)
    else:
        cache.set(CURSOR_CACHE_KEY, scanned[-1], timeout=None)


def _has_scraped_at() -> bool:
    try:
        Torrent._meta.get_field(SCRAPED_AT_FIELD)
    except FieldDoesNotExist:
        return False
    return True
