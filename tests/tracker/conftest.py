"""Fixtures for the tracker tests: clock, config, registry, peer stores, tracker and ASGI app."""

from __future__ import annotations

import pytest

from anirena.tracker.config import TrackerConfig
from anirena.tracker.core import Tracker
from anirena.tracker.http import TrackerApp
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.store.memory import MemoryPeerStore
from tests.tracker.helpers import (
    HASH_A,
    HASH_B,
    HYBRID_V1,
    HYBRID_V2,
    FakeClock,
    make_memory_store,
    make_redis_store,
)


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> TrackerConfig:
    return TrackerConfig(interval=1800, min_interval=300, numwant_default=50, numwant_max=200, secret=b"test secret")


@pytest.fixture
def registry() -> StaticRegistry:
    return StaticRegistry(
        [
            ("torrent-a", [HASH_A]),
            ("torrent-b", [HASH_B]),
            ("hybrid", [HYBRID_V1, HYBRID_V2]),
        ]
    )


@pytest.fixture(params=["memory", "redis"])
async def store(request, config, clock, anyio_backend):
    """Each peer store implementation in turn; the Redis one uses a unique key prefix."""
    if request.param == "memory":
        yield make_memory_store(config, clock)
        return
    redis_store = await make_redis_store(config, clock)
    try:
        yield redis_store
    finally:
        await redis_store.delete_all()
        await redis_store.close()


@pytest.fixture
def memory_store(config, clock) -> MemoryPeerStore:
    return make_memory_store(config, clock)


@pytest.fixture
def tracker(config, registry, memory_store) -> Tracker:
    return Tracker(config, registry, memory_store)


@pytest.fixture
def app(tracker) -> TrackerApp:
    return TrackerApp(tracker)


