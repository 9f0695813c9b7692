"""Behaviour particular to one peer store: memory layout and expiry, Redis round trips and keys."""

from __future__ import annotations

import asyncio
import gc
import os
import tracemalloc

import pytest

from anirena.tracker.config import TrackerConfig
from anirena.tracker.events import EVENT_COMPLETED, EVENT_STARTED, EVENT_STOPPED, FAMILY_BOTH
from anirena.tracker.inline import run_inline
from anirena.tracker.server import make_store
from anirena.tracker.store.memory import MemoryPeerStore, _remove_entry
from tests.tracker.helpers import HASH_A, HASH_B, FakeClock, compact, make_redis_store, peer_id, split_compact

# -- memory store ---------------------------------------------------------


def prune_now(store) -> int:
    # prune() yields to the event loop between batches, so it runs in a real loop.
    return asyncio.run(store.prune())


def memory_announce(store, number, *, seeder=False, numwant=50, info_hash=HASH_A, event=EVENT_STARTED):
    address = (0x0A000000 + number).to_bytes(4, "big") + b"\x1a\xe1"
    return store.announce_now(info_hash, "k", peer_id(number), address, seeder, event, numwant, FAMILY_BOTH)


def test_memory_bytes_per_peer_below_150():
    store = MemoryPeerStore(3600, clock=FakeClock())
    hashes = [os.urandom(20) for _ in range(1000)]
    gc.collect()
    tracemalloc.start()
    try:
        number = 0
        for info_hash in hashes:
            for _ in range(100):
                number += 1
                memory_announce(store, number, seeder=number % 3 == 0, numwant=0, info_hash=info_hash)
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert store.peer_count() == 100_000
    assert used / 100_000 < 150


def test_memory_store_runs_inline():
    store = MemoryPeerStore(3600, clock=FakeClock())
    result = run_inline(store.announce(HASH_A, "k", peer_id(1), compact("10.0.0.1", 1), True, 2, 50, 3))

    assert store.runs_inline is True
    assert result.seeders == 1


def test_memory_expiry_across_stamp_wraparound():
    clock = FakeClock(start=float((1 << 24) - 100))
    store = MemoryPeerStore(3600, clock=clock)
    memory_announce(store, 1)
    clock.advance(200)
    removed_early = prune_now(store)
    clock.advance(3600)
    removed = prune_now(store)

    assert removed_early == 0
    assert removed == 1


def test_memory_prune_large_bucket():
    clock = FakeClock()
    store = MemoryPeerStore(3600, clock=clock)
    for number in range(25_000):
        memory_announce(store, number, numwant=0)
    clock.advance(3000)
    for number in range(0, 25_000, 2):
        memory_announce(store, number, numwant=0)
    clock.advance(1000)
    removed = prune_now(store)

    assert removed == 12_500
    assert store.peer_count() == 12_500


def test_memory_prune_drops_empty_swarms():
    clock = FakeClock()
    store = MemoryPeerStore(3600, clock=clock)
    memory_announce(store, 1, info_hash=HASH_A)
    memory_announce(store, 2, info_hash=HASH_B)
    memory_announce(store, 2, info_hash=HASH_B, event=EVENT_STOPPED)
    clock.advance(3601)
    prune_now(store)

    assert store.swarm_count() == 0


def test_memory_large_swarm_samples_vary():
    store = MemoryPeerStore(3600, clock=FakeClock())
    for number in range(1, 1001):
        memory_announce(store, number, seeder=True, numwant=0)
    seen = set()
    for requester in range(2000, 2040):
        seen.update(split_compact(memory_announce(store, requester).peers4, 6))

    assert len(seen) > 500


def test_memory_large_swarm_sample_has_no_duplicates():
    store = MemoryPeerStore(3600, clock=FakeClock())
    for number in range(1, 301):
        memory_announce(store, number, seeder=number % 2 == 0, numwant=0)
    for requester in range(1, 301, 37):
        sample = split_compact(memory_announce(store, requester, numwant=60).peers4, 6)
        own = (0x0A000000 + requester).to_bytes(4, "big") + b"\x1a\xe1"

        assert len(sample) == 60
        assert len(set(sample)) == 60
        assert own not in sample


def test_remove_entry_matches_aligned_only():
    # b"\x01\x02\x03\x04\x05\x06" appears across the boundary of the first two entries.
    blob = b"\x00\x00\x01\x02\x03\x04" + b"\x05\x06\x00\x00\x00\x00" + b"\x01\x02\x03\x04\x05\x06"

    assert _remove_entry(blob, b"\x01\x02\x03\x04\x05\x06") == blob[:12]
    assert _remove_entry(blob, b"\x09" * 6) == blob


def test_memory_completion_generations():
    clock = FakeClock()
    store = MemoryPeerStore(3600, completed_dedupe_ttl=1000, clock=clock)
    first = memory_announce(store, 1, seeder=True, event=EVENT_COMPLETED)
    clock.advance(1500)
    prune_now(store)
    within_window = memory_announce(store, 1, seeder=True, event=EVENT_COMPLETED)

    assert first.new_completion is True
    assert within_window.new_completion is False


def test_memory_store_rejects_huge_ttl():
    with pytest.raises(ValueError):
        MemoryPeerStore(1 << 23)


def test_make_store_picks_memory():
    assert isinstance(make_store(TrackerConfig()), MemoryPeerStore)


# -- Redis store ----------------------------------------------------------


@pytest.fixture
async def redis_store(config, clock, anyio_backend):
    store = await make_redis_store(config, clock)
    try:
        yield store
    finally:
        await store.delete_all()
        await store.close()


class CommandCounter:
    """Wraps a redis client's execute_command to count round trips."""

    def __init__(self, client, monkeypatch) -> None:
        self.commands = []
        original = client.execute_command

        async def counting(*args, **kwargs):
            self.commands.append(args[0])
            return await original(*args, **kwargs)

        monkeypatch.setattr(client, "execute_command", counting)


async def redis_announce(store, number, *, seeder=False, event=EVENT_STARTED, info_hash=HASH_A):
    return await store.announce(
        info_hash, "torrent-a", peer_id(number), compact(f"10.0.0.{number}", 6881), seeder, event, 50, FAMILY_BOTH
    )


@pytest.mark.anyio
async def test_redis_announce_is_one_round_trip(redis_store, monkeypatch):
    await redis_announce(redis_store, 1, seeder=True)
    counter = CommandCounter(redis_store._client, monkeypatch)
    await redis_announce(redis_store, 2, event=EVENT_COMPLETED)

    assert counter.commands == ["EVALSHA"]


@pytest.mark.anyio
async def test_redis_counts_page_is_one_round_trip(redis_store, monkeypatch):
    await redis_announce(redis_store, 1)
    counter = CommandCounter(redis_store._client, monkeypatch)
    page = [(f"t{number}", [number.to_bytes(20, "big"), HASH_A]) for number in range(50)]
    counts = await redis_store.counts_for_torrents(page)

    assert counter.commands == ["EVALSHA"]
    assert len(counts) == 50


@pytest.mark.anyio
async def test_redis_keys_expire_on_their_own(redis_store, config):
    await redis_announce(redis_store, 1, seeder=True, event=EVENT_COMPLETED)
    client = redis_store._client
    keys = [key async for key in client.scan_iter(match=redis_store._prefix + b"*")]
    ttls = {key: await client.ttl(key) for key in keys}

    assert len(keys) == 3
    assert all(0 < ttl <= 2 * config.completed_dedupe_ttl for ttl in ttls.values())
    swarm_ttls = [ttl for key, ttl in ttls.items() if not key.startswith(redis_store._prefix + b"done:")]
    assert swarm_ttls
    assert all(ttl <= config.effective_peer_ttl for ttl in swarm_ttls)


@pytest.mark.anyio
async def test_redis_keys_use_prefix(redis_store):
    await redis_announce(redis_store, 1)
    client = redis_store._client
    keys = [key async for key in client.scan_iter(match=redis_store._prefix + b"*")]

    assert redis_store._prefix + HASH_A.hex().encode() + b":l" in keys


@pytest.mark.anyio
async def test_redis_delete_all_removes_keys(redis_store):
    await redis_announce(redis_store, 1)
    deleted = await redis_store.delete_all()

    assert deleted >= 2
    assert tuple((await redis_store.scrape([HASH_A]))[0]) == (0, 0)


@pytest.mark.anyio
async def test_redis_unreachable_is_unhealthy(config, anyio_backend):
    from anirena.tracker.store.redis import RedisPeerStore

    # Port 1 on the loopback interface has no listener.
    store = RedisPeerStore.from_url("redis://127.0.0.1:1/0", config.effective_peer_ttl)
    try:
        assert await store.healthy() is False
    finally:
        await store.close()


@pytest.mark.anyio
async def test_make_store_picks_redis(anyio_backend):
    from anirena.tracker.store.redis import RedisPeerStore

    store = make_store(TrackerConfig(redis_url="redis://127.0.0.1:6379/0"))
    try:
        assert isinstance(store, RedisPeerStore)
        assert store.runs_inline is False
    finally:
        await store.close()
