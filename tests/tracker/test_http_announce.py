"""HTTP announce through the ASGI app (BEP 3, 7, 23), with the memory store."""

from __future__ import annotations

import pytest

from anirena.tracker.config import TrackerConfig
from anirena.tracker.core import Tracker
from anirena.tracker.http import TrackerApp
from anirena.tracker.wire import messages
from tests.tracker.helpers import (
    HASH_A,
    HYBRID_V1,
    HYBRID_V2,
    UNREGISTERED,
    announce_query,
    asgi_get,
    compact,
    encode_query,
    make_memory_store,
    peer_id,
    split_compact,
)

pytestmark = pytest.mark.anyio


async def announce(app, number=1, client=None, **params):
    client = client or (f"10.0.0.{number}", 50000)
    response = await asgi_get(app, "/announce", announce_query(number=number, **params), client=client)
    return response.decoded()


async def failure_of(app, query: bytes, client=("10.0.0.1", 50000)) -> str:
    response = await asgi_get(app, "/announce", query, client=client)
    assert response.status == 200
    return response.decoded()[b"failure reason"].decode()


async def test_response_is_bencoded_text_plain(app):
    response = await asgi_get(app, "/announce", announce_query())

    assert response.status == 200
    assert response.headers[b"content-type"] == b"text/plain"
    assert response.headers[b"content-length"] == str(len(response.body)).encode()
    assert response.body.startswith(b"d8:complete")


async def test_response_fields(app):
    await announce(app, 1, left=0)
    body = await announce(app, 2, left=100)

    assert body[b"complete"] == 1
    assert body[b"incomplete"] == 1
    assert body[b"downloaded"] == 0
    assert body[b"interval"] == 1800
    assert body[b"min interval"] == 300
    assert body[b"peers"] == compact("10.0.0.1", 6881)
    assert b"peers6" not in body


async def test_compact_is_default(app):
    await announce(app, 1)
    body = await announce(app, 2, left=5)

    assert isinstance(body[b"peers"], bytes)


async def test_non_compact_peer_dicts(app):
    await announce(app, 1, port=7000)
    body = await announce(app, 2, left=5, compact=0)

    assert body[b"peers"] == [{b"ip": b"10.0.0.1", b"peer id": peer_id(1), b"port": 7000}]


async def test_non_compact_without_peer_id(app):
    await announce(app, 1, port=7000)
    body = await announce(app, 2, left=5, compact=0, no_peer_id=1)

    assert body[b"peers"] == [{b"ip": b"10.0.0.1", b"port": 7000}]


async def test_non_compact_lists_ipv6_peers(app):
    await announce(app, 1, client=("2001:db8::1", 50000))
    body = await announce(app, 2, left=5, compact=0)

    assert body[b"peers"] == [{b"ip": b"2001:db8::1", b"peer id": peer_id(1), b"port": 6881}]


async def test_ipv6_peers_in_peers6(app):
    await announce(app, 1, client=("2001:db8::1", 50000))
    await announce(app, 2, client=("10.0.0.2", 50000))
    body = await announce(app, 3, left=5, client=("10.0.0.3", 50000))

    assert body[b"peers"] == compact("10.0.0.2", 6881)
    assert body[b"peers6"] == compact("2001:db8::1", 6881)


async def test_ipv4_mapped_client_is_ipv4(app):
    await announce(app, 1, client=("::ffff:10.0.0.1", 50000))
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("10.0.0.1", 6881)
    assert b"peers6" not in body


async def test_port_zero_counted_not_returned(app):
    await announce(app, 1, port=0)
    body = await announce(app, 2, left=5)

    assert body[b"complete"] == 1
    assert body[b"peers"] == b""


async def test_stopped_removes_peer(app):
    await announce(app, 1)
    await announce(app, 1, event="stopped")
    body = await announce(app, 2, left=5)

    assert body[b"complete"] == 0
    assert body[b"peers"] == b""


async def test_completed_counted_once(app, tracker):
    await announce(app, 1, left=5, event="started")
    first = await announce(app, 1, left=0, event="completed")
    repeated = await announce(app, 1, left=0, event="completed")

    assert first[b"downloaded"] == 1
    assert repeated[b"downloaded"] == 1
    assert tracker.completed.pending("torrent-a") == 1


async def test_completed_counted_per_peer(app):
    await announce(app, 1, left=0, event="completed")
    body = await announce(app, 2, left=0, event="completed")

    assert body[b"downloaded"] == 2


async def test_empty_and_unknown_events_are_regular(app):
    await announce(app, 1, event="empty")
    await announce(app, 2, event="paused")
    body = await announce(app, 3, left=5, event="")

    assert body[b"complete"] == 2


async def test_peer_expires_after_ttl(app, tracker, clock, config):
    await announce(app, 1)
    clock.advance(config.effective_peer_ttl + 1)
    await tracker.store.prune()
    body = await announce(app, 2, left=5)

    assert body[b"complete"] == 0
    assert body[b"peers"] == b""


async def test_hybrid_swarms_are_separate_per_hash(app):
    await announce(app, 1, info_hash=HYBRID_V1)
    body = await announce(app, 2, left=5, info_hash=HYBRID_V2)

    assert body[b"complete"] == 0
    assert body[b"peers"] == b""


async def test_hybrid_completed_counted_once(app):
    await announce(app, 1, event="completed", info_hash=HYBRID_V1)
    body = await announce(app, 1, event="completed", info_hash=HYBRID_V2)

    assert body[b"downloaded"] == 1


async def test_hybrid_listing_counts_merge(app, tracker):
    await announce(app, 1, info_hash=HYBRID_V1)
    await announce(app, 1, info_hash=HYBRID_V2)
    await announce(app, 2, left=5, info_hash=HYBRID_V2)
    counts = await tracker.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (1, 1)


async def test_unregistered_torrent_fails(app):
    reason = await failure_of(app, announce_query(info_hash=UNREGISTERED))

    assert reason == messages.UNREGISTERED_TORRENT == "unregistered torrent"


@pytest.mark.parametrize("length", [0, 19, 21, 32])
async def test_wrong_length_info_hash_fails(app, length):
    reason = await failure_of(app, announce_query(info_hash=b"\x01" * length))

    assert reason == messages.INVALID_INFO_HASH


async def test_wrong_length_peer_id_fails(app):
    query = encode_query([("info_hash", HASH_A), ("peer_id", b"short"), ("port", 6881), ("left", 0)])

    assert await failure_of(app, query) == messages.INVALID_PEER_ID


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        ("info_hash", messages.MISSING_INFO_HASH),
        ("peer_id", messages.MISSING_PEER_ID),
        ("port", messages.MISSING_PORT),
    ],
)
async def test_missing_parameter_fails(app, missing, reason):
    params = [("info_hash", HASH_A), ("peer_id", peer_id(1)), ("port", 6881), ("left", 0)]
    query = encode_query([(name, value) for name, value in params if name != missing])

    assert await failure_of(app, query) == reason


async def test_empty_query_fails(app):
    assert await failure_of(app, b"") == messages.MISSING_INFO_HASH


@pytest.mark.parametrize("port", ["-1", "65536", "abc", "", "1e3", "99999999999"])
async def test_bad_port_fails(app, port):
    query = announce_query() .replace(b"port=6881", b"port=" + port.encode())

    assert await failure_of(app, query) == messages.INVALID_PORT


@pytest.mark.parametrize("left", ["-5", "abc", ""])
async def test_bad_left_fails(app, left):
    query = announce_query().replace(b"left=0", b"left=" + left.encode())

    assert await failure_of(app, query) == messages.INVALID_LEFT


async def test_missing_left_counts_as_leecher(app):
    query = encode_query([("info_hash", HASH_A), ("peer_id", peer_id(1)), ("port", 6881)])
    body = (await asgi_get(app, "/announce", query)).decoded()

    assert body[b"incomplete"] == 1


async def _fill_swarm(app, count):
    for number in range(1, count + 1):
        await announce(app, number, client=(f"10.0.1.{number}", 50000))


@pytest.mark.parametrize(
    ("numwant", "expected"),
    [
        ("3", 3),
        ("0", 0),
        ("-1", 50),
        ("-100", 50),
        ("abc", 50),
        ("", 50),
        ("99999999999999999999999999", 60),
        ("1" * 5000, 60),
    ],
)
async def test_numwant_handling(app, numwant, expected):
    await _fill_swarm(app, 60)
    body = await announce(app, 200, left=5, numwant=numwant, client=("10.0.2.1", 50000))

    assert len(body[b"peers"]) // 6 == expected


async def test_numwant_capped_at_max(registry, clock):
    config = TrackerConfig(numwant_default=5, numwant_max=10)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))
    await _fill_swarm(app, 30)
    default = await announce(app, 200, left=5, client=("10.0.2.1", 50000))
    capped = await announce(app, 201, left=5, numwant=1000, client=("10.0.2.2", 50000))

    assert len(default[b"peers"]) // 6 == 5
    assert len(capped[b"peers"]) // 6 == 10


async def test_ip_param_ignored_by_default(app):
    await announce(app, 1, ip="192.0.2.7")
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("10.0.0.1", 6881)


async def test_ip_param_used_when_trusted(registry, clock):
    config = TrackerConfig(trust_ip_param=True)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))
    await announce(app, 1, ip="192.0.2.7")
    await announce(app, 3, ip="2001:db8::7")
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("192.0.2.7", 6881)
    assert body[b"peers6"] == compact("2001:db8::7", 6881)


async def test_invalid_trusted_ip_param_fails(registry, clock):
    config = TrackerConfig(trust_ip_param=True)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))

    assert await failure_of(app, announce_query(ip="tracker.example")) == messages.INVALID_IP


async def test_forwarded_for_ignored_by_default(app):
    headers = [(b"x-forwarded-for", b"192.0.2.7")]
    await asgi_get(app, "/announce", announce_query(number=1), client=("10.0.0.1", 1), headers=headers)
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("10.0.0.1", 6881)


async def test_forwarded_for_last_entry_when_trusted(registry, clock):
    config = TrackerConfig(trust_forwarded_for=True)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))
    headers = [(b"x-forwarded-for", b"203.0.113.66, 192.0.2.7")]
    await asgi_get(app, "/announce", announce_query(number=1), client=("127.0.0.1", 1), headers=headers)
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("192.0.2.7", 6881)


async def test_forwarded_for_missing_uses_client(registry, clock):
    config = TrackerConfig(trust_forwarded_for=True)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))
    await announce(app, 1)
    body = await announce(app, 2, left=5)

    assert body[b"peers"] == compact("10.0.0.1", 6881)


async def test_missing_client_address_fails(app):
    response = await asgi_get(app, "/announce", announce_query(), client=None)

    assert response.decoded()[b"failure reason"] == messages.UNKNOWN_CLIENT_ADDRESS.encode()


async def test_store_failure_returns_failure_reason(app, tracker, monkeypatch):
    async def broken(*args, **kwargs):
        raise ConnectionError("store down")

    monkeypatch.setattr(tracker, "_store_announce", broken)
    response = await asgi_get(app, "/announce", announce_query())

    assert response.status == 200
    assert response.decoded()[b"failure reason"] == messages.INTERNAL_ERROR.encode()


async def test_failure_body_format(app):
    response = await asgi_get(app, "/announce", announce_query(info_hash=UNREGISTERED))

    assert response.body == b"d14:failure reason20:unregistered torrente"


async def test_downloaded_includes_persisted_count(config, clock):
    from anirena.tracker.registry import StaticRegistry

    registry = StaticRegistry()
    registry.add("torrent-a", [HASH_A], downloaded=41)
    app = TrackerApp(Tracker(config, registry, make_memory_store(config, clock)))
    body = await announce(app, 1, event="completed")

    assert body[b"downloaded"] == 42


async def test_many_peers_sample_excludes_self(app):
    await _fill_swarm(app, 80)
    body = await announce(app, 5, left=5, numwant=200, client=("10.0.1.5", 50000))
    peers = split_compact(body[b"peers"], 6)

    assert compact("10.0.1.5", 6881) not in peers
    assert len(peers) == 79
