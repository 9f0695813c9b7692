"""Copy live seeder and leecher counts from the peer store into the torrent table.

Pages read live counts straight from the store, but sorting by seeders and
the dead-torrent filter need them in the database. One pass reads the table
in primary-key batches and writes only rows whose counts changed.
"""

import asyncio
import logging

from django.conf import settings
from django.db import close_old_connections, transaction

from anirena.torrents.models import Torrent
from anirena.torrents.peers import hashes_from_hex

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


async def copy_live_counts(tracker) -> int:
    """Run one pass and return the number of torrents whose stored counts changed."""
    if not await asyncio.to_thread(_take_turn):
        return 0
    changed_total = 0
    last = None
    while True:
        rows = await asyncio.to_thread(_read_batch, last)
        if not rows:
            break
        keys = [(str(pk), tuple(hashes_from_hex(v1, v2))) for pk, v1, v2, _, _ in rows]
        counts = await tracker.counts_for_torrents(keys)
        changed = []
        for pk, _, _, seeders, leechers in rows:
            live = counts.get(str(pk))
            live_seeders, live_leechers = (live[0], live[1]) if live is not None else (0, 0)
            if (live_seeders, live_leechers) != (seeders, leechers):
                changed.append(Torrent(pk=pk, seeders=live_seeders, leechers=live_leechers))
        if changed:
            await asyncio.to_thread(_write, changed)
            changed_total += len(changed)
        last = rows[-1][0]
    if changed_total:
        logger.info("copied live counts of %d torrents into the database", changed_total)
    return changed_total


def _take_turn() -> bool:
    """Return True when this process should copy now: always alone, once per interval with Redis."""
    if not settings.REDIS_URL:
        return True
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        key = f"{settings.REDIS_PREFIX}:tracker:copy-counts-lock"
        return bool(client.set(key, b"1", nx=True, ex=max(1, settings.TRACKER_COUNTS_COPY_SECONDS - 1)))
    finally:
        client.close()


def _read_batch(last):
    close_old_connections()
    rows = Torrent.objects.order_by("pk").values_list("pk", "info_hash_v1", "info_hash_v2", "seeders", "leechers")
    if last is not None:
        rows = rows.filter(pk__gt=last)
    return list(rows[:BATCH_SIZE])


def _write(changed: list[Torrent]) -> None:
    with transaction.atomic():
        Torrent.objects.bulk_update(changed, ["seeders", "leechers"], batch_size=500)
