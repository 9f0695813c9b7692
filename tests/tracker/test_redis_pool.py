"""The Redis peer store under more concurrent announces than its connection pool has connections."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from anirena.tracker.events import EVENT_STARTED, FAMILY_BOTH
from anirena.tracker.store.redis import RedisPeerStore
from tests.tracker.helpers import HASH_A, REDIS_URL, compact, need_redis, peer_id


@pytest.mark.anyio
async def test_burst_beyond_pool_size_waits(anyio_backend):
    need_redis()
    store = RedisPeerStore.from_url(REDIS_URL, 3600, max_connections=4, prefix=f"anirena-test:{uuid.uuid4().hex}:")
    try:
        results = await asyncio.gather(
            *(
                store.announce(
                    HASH_A, "torrent-a", peer_id(number), compact("10.0.0.1", 10000 + number), False,
                    EVENT_STARTED, 0, FAMILY_BOTH,
                )
                for number in range(50)
            ),
            return_exceptions=True,
        )
        counts = await store.scrape([HASH_A])
    finally:
        await store.delete_all()
        await store.close()

    assert [result for result in results if isinstance(result, BaseException)] == []
    assert counts[0].leechers == 50
