"""One test suite for every peer store (memory and Redis), run through the `store` fixture."""

from __future__ import annotations

import pytest

from anirena.tracker.events import (
    EVENT_COMPLETED,
    EVENT_NONE,
    EVENT_STARTED,
    EVENT_STOPPED,
    FAMILY_BOTH,
    FAMILY_V4,
    FAMILY_V6,
)
from tests.tracker.helpers import HASH_A, HASH_B, HYBRID_V1, HYBRID_V2, compact, peer_id, split_compact

pytestmark = pytest.mark.anyio

TTL = 3600  # effective peer TTL of the `config` fixture: twice the 1800 s interval


async def announce(
    store,
    number,
    *,
    ip=None,
    port=6881,
    seeder=False,
    event=EVENT_STARTED,
    numwant=50,
    families=FAMILY_BOTH,
    info_hash=HASH_A,
    key="torrent-a",
    with_peer_ids=False,
):
    address = compact(ip or f"10.0.{number // 256}.{number % 256}", port)
    return await store.announce(
        info_hash, key, peer_id(number), address, seeder, event, numwant, families, with_peer_ids
    )


async def test_first_announce_counts_itself(store):
    result = await announce(store, 1, seeder=True)

    assert result.seeders == 1
    assert result.leechers == 0
    assert result.peers4 == b""
    assert result.peers6 == b""


async def test_leecher_receives_other_peers(store):
    await announce(store, 1, seeder=True)
    await announce(store, 2)
    result = await announce(store, 3)

    peers = set(split_compact(result.peers4, 6))
    assert peers == {compact("10.0.0.1", 6881), compact("10.0.0.2", 6881)}
    assert result.seeders == 1
    assert result.leechers == 2


async def test_peer_never_receives_itself(store):
    for number in range(1, 6):
        await announce(store, number)
    result = await announce(store, 3, numwant=4)

    assert compact("10.0.0.3", 6881) not in split_compact(result.peers4, 6)
    assert len(result.peers4) == 4 * 6


async def test_seeder_receives_only_leechers(store):
    await announce(store, 1, seeder=True)
    await announce(store, 2, seeder=True)
    await announce(store, 3)
    result = await announce(store, 4, seeder=True)

    assert split_compact(result.peers4, 6) == [compact("10.0.0.3", 6881)]


async def test_port_zero_counted_not_returned(store):
    await announce(store, 1, port=0)
    await announce(store, 2, port=0, seeder=True)
    result = await announce(store, 3)

    assert result.peers4 == b""
    assert result.seeders == 1
    assert result.leechers == 2


async def test_numwant_limits_peer_count(store):
    for number in range(1, 31):
        await announce(store, number, seeder=number % 2 == 0)
    result = await announce(store, 100, numwant=7)

    assert len(result.peers4) == 7 * 6
    assert len(set(split_compact(result.peers4, 6))) == 7


async def test_numwant_filled_from_seeders(store):
    for number in range(1, 31):
        await announce(store, number, seeder=True)
    result = await announce(store, 100, numwant=5)

    assert len(set(split_compact(result.peers4, 6))) == 5


async def test_numwant_zero_returns_no_peers(store):
    await announce(store, 1)
    result = await announce(store, 2, numwant=0)

    assert result.peers4 == b""
    assert result.leechers == 2


async def test_large_swarm_sample_is_distinct(store):
    members = set()
    for number in range(1, 401):
        result = await announce(store, number, seeder=number % 3 == 0, numwant=0)
        members.add(compact(f"10.0.{number // 256}.{number % 256}", 6881))
    own = compact("10.0.1.144", 6881)  # peer 400
    result = await announce(store, 400, seeder=True, numwant=50)

    sample = split_compact(result.peers4, 6)
    assert len(sample) == 50
    assert len(set(sample)) == 50
    assert set(sample) <= members
    assert own not in sample


async def test_leecher_turning_seeder_moves(store):
    await announce(store, 1)
    result = await announce(store, 1, seeder=True, event=EVENT_COMPLETED)

    assert result.seeders == 1
    assert result.leechers == 0


async def test_reannounce_does_not_duplicate(store):
    await announce(store, 1)
    await announce(store, 1, event=EVENT_NONE)
    result = await announce(store, 1, event=EVENT_NONE)

    assert result.leechers == 1


async def test_stopped_removes_peer(store):
    await announce(store, 1, seeder=True)
    await announce(store, 2)
    stopped = await announce(store, 1, seeder=True, event=EVENT_STOPPED)
    after = await announce(store, 3)

    assert stopped.seeders == 0
    assert stopped.leechers == 1
    assert stopped.peers4 == b""
    assert compact("10.0.0.1", 6881) not in split_compact(after.peers4, 6)
    assert after.seeders == 0


async def test_stopped_unknown_peer_is_harmless(store):
    result = await announce(store, 1, event=EVENT_STOPPED)

    assert result.seeders == 0
    assert result.leechers == 0


async def test_completed_counted_once_per_peer(store):
    first = await announce(store, 1, seeder=True, event=EVENT_COMPLETED)
    again = await announce(store, 1, seeder=True, event=EVENT_COMPLETED)
    other = await announce(store, 2, seeder=True, event=EVENT_COMPLETED)

    assert first.new_completion is True
    assert again.new_completion is False
    assert other.new_completion is True


async def test_completed_same_address_new_peer_id(store):
    address = compact("10.0.0.1", 6881)
    first = await store.announce(HASH_A, "torrent-a", peer_id(1), address, True, EVENT_COMPLETED, 50, FAMILY_BOTH)
    restarted = await store.announce(HASH_A, "torrent-a", peer_id(2), address, True, EVENT_COMPLETED, 50, FAMILY_BOTH)

    assert first.new_completion is True
    assert restarted.new_completion is False


async def test_completed_same_peer_id_new_address(store):
    first = await announce(store, 1, ip="10.0.0.1", seeder=True, event=EVENT_COMPLETED)
    moved = await announce(store, 1, ip="10.9.9.9", seeder=True, event=EVENT_COMPLETED)

    assert first.new_completion is True
    assert moved.new_completion is False


async def test_completed_once_across_hybrid_swarms(store):
    v1 = await announce(store, 1, seeder=True, event=EVENT_COMPLETED, info_hash=HYBRID_V1, key="hybrid")
    v2 = await announce(store, 1, seeder=True, event=EVENT_COMPLETED, info_hash=HYBRID_V2, key="hybrid")

    assert v1.new_completion is True
    assert v2.new_completion is False


async def test_completed_per_torrent_key(store):
    a = await announce(store, 1, seeder=True, event=EVENT_COMPLETED, info_hash=HASH_A, key="torrent-a")
    b = await announce(store, 1, seeder=True, event=EVENT_COMPLETED, info_hash=HASH_B, key="torrent-b")

    assert a.new_completion is True
    assert b.new_completion is True


async def test_completed_port_zero_uses_peer_id(store):
    first = await announce(store, 1, port=0, seeder=True, event=EVENT_COMPLETED)
    neighbour = await announce(store, 2, ip="10.0.0.1", port=0, seeder=True, event=EVENT_COMPLETED)

    assert first.new_completion is True
    assert neighbour.new_completion is True


async def test_completed_forgotten_after_dedupe_window(store, clock, config):
    await announce(store, 1, seeder=True, event=EVENT_COMPLETED)
    clock.advance(2 * config.completed_dedupe_ttl + 1)
    await store.prune()
    later = await announce(store, 1, seeder=True, event=EVENT_COMPLETED)

    assert later.new_completion is True


async def test_peer_expires_after_ttl(store, clock):
    await announce(store, 1, seeder=True)
    clock.advance(TTL + 1)
    await store.prune()
    result = await announce(store, 2)

    assert result.peers4 == b""
    assert result.seeders == 0
    assert result.leechers == 1


async def test_peer_kept_within_ttl(store, clock):
    await announce(store, 1, seeder=True)
    clock.advance(TTL - 10)
    await store.prune()
    result = await announce(store, 2)

    assert result.peers4 == compact("10.0.0.1", 6881)
    assert result.seeders == 1


async def test_reannounce_renews_ttl(store, clock):
    await announce(store, 1, seeder=True)
    clock.advance(TTL - 10)
    await announce(store, 1, seeder=True, event=EVENT_NONE)
    clock.advance(TTL - 10)
    await store.prune()
    counts = await store.scrape([HASH_A])

    assert counts[0].seeders == 1


async def test_expired_peers_leave_scrape(store, clock):
    await announce(store, 1, seeder=True)
    await announce(store, 2)
    clock.advance(TTL + 1)
    await store.prune()
    counts = await store.scrape([HASH_A])

    assert counts[0].seeders == 0
    assert counts[0].leechers == 0


async def test_prune_keeps_fresh_peers(store, clock):
    await announce(store, 1)
    clock.advance(TTL / 2)
    await announce(store, 2)
    clock.advance(TTL / 2 + 1)
    await store.prune()
    counts = await store.scrape([HASH_A])

    assert counts[0].leechers == 1


async def test_scrape_several_hashes(store):
    await announce(store, 1, seeder=True, info_hash=HASH_A)
    await announce(store, 2, info_hash=HASH_A)
    await announce(store, 3, info_hash=HASH_B, key="torrent-b")
    counts = await store.scrape([HASH_A, HASH_B, b"\x55" * 20])

    assert [tuple(count) for count in counts] == [(1, 1), (0, 1), (0, 0)]


async def test_scrape_no_hashes(store):
    assert await store.scrape([]) == []


async def test_counts_for_single_hash_torrents(store):
    await announce(store, 1, seeder=True, info_hash=HASH_A)
    await announce(store, 2, info_hash=HASH_B, key="torrent-b")
    counts = await store.counts_for_torrents([("torrent-a", [HASH_A]), ("torrent-b", [HASH_B]), ("empty", [b"\x66" * 20])])

    assert tuple(counts["torrent-a"]) == (1, 0)
    assert tuple(counts["torrent-b"]) == (0, 1)
    assert tuple(counts["empty"]) == (0, 0)


async def test_hybrid_counts_merge_same_peer(store):
    for info_hash in (HYBRID_V1, HYBRID_V2):
        await announce(store, 1, seeder=True, info_hash=info_hash, key="hybrid")
        await announce(store, 2, info_hash=info_hash, key="hybrid")
    counts = await store.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (1, 1)


async def test_hybrid_counts_add_distinct_peers(store):
    await announce(store, 1, seeder=True, info_hash=HYBRID_V1, key="hybrid")
    await announce(store, 2, seeder=True, info_hash=HYBRID_V2, key="hybrid")
    await announce(store, 3, info_hash=HYBRID_V2, key="hybrid")
    counts = await store.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (2, 1)


async def test_hybrid_seeder_in_one_swarm_wins(store):
    await announce(store, 1, seeder=True, info_hash=HYBRID_V1, key="hybrid")
    await announce(store, 1, seeder=False, info_hash=HYBRID_V2, key="hybrid")
    counts = await store.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (1, 0)


async def test_hybrid_same_ip_other_port_is_two(store):
    await announce(store, 1, ip="10.0.0.1", port=6881, info_hash=HYBRID_V1, key="hybrid")
    await announce(store, 1, ip="10.0.0.1", port=6882, info_hash=HYBRID_V2, key="hybrid")
    counts = await store.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (0, 2)


async def test_hybrid_counts_skip_expired(store, clock):
    await announce(store, 1, seeder=True, info_hash=HYBRID_V1, key="hybrid")
    clock.advance(TTL + 1)
    await store.prune()
    await announce(store, 2, info_hash=HYBRID_V2, key="hybrid")
    counts = await store.counts_for_torrents([("hybrid", [HYBRID_V1, HYBRID_V2])])

    assert tuple(counts["hybrid"]) == (0, 1)


async def test_counts_for_empty_page(store):
    assert await store.counts_for_torrents([]) == {}


async def test_ipv6_peers_in_peers6(store):
    await announce(store, 1, ip="2001:db8::1", seeder=True)
    await announce(store, 2, ip="10.0.0.2", seeder=True)
    result = await announce(store, 3, ip="2001:db8::3")

    assert result.peers6 == compact("2001:db8::1", 6881)
    assert result.peers4 == compact("10.0.0.2", 6881)


async def test_family_filter_v4_only(store):
    await announce(store, 1, ip="2001:db8::1", seeder=True)
    await announce(store, 2, ip="10.0.0.2", seeder=True)
    result = await announce(store, 3, families=FAMILY_V4)

    assert result.peers4 == compact("10.0.0.2", 6881)
    assert result.peers6 == b""


async def test_family_filter_v6_only(store):
    await announce(store, 1, ip="2001:db8::1", seeder=True)
    await announce(store, 2, ip="10.0.0.2", seeder=True)
    result = await announce(store, 3, ip="2001:db8::3", families=FAMILY_V6)

    assert result.peers6 == compact("2001:db8::1", 6881)
    assert result.peers4 == b""


async def test_both_families_share_numwant(store):
    for number in range(1, 21):
        await announce(store, number, ip=f"10.0.0.{number}", seeder=True)
        await announce(store, number, ip=f"2001:db8::{number}", seeder=True)
    result = await announce(store, 99, ip="10.0.9.9", numwant=10)

    total = len(result.peers4) // 6 + len(result.peers6) // 18
    assert 1 <= total <= 10


async def test_peer_ids_on_request(store):
    await announce(store, 1, seeder=True)
    result = await announce(store, 2, with_peer_ids=True)

    assert result.peer_ids == {compact("10.0.0.1", 6881): peer_id(1)}


async def test_peer_ids_absent_by_default(store):
    await announce(store, 1, seeder=True)
    result = await announce(store, 2)

    assert result.peer_ids is None


async def test_remove_drops_peer(store):
    await announce(store, 1, seeder=True)
    await announce(store, 2)
    await store.remove(HASH_A, compact("10.0.0.1", 6881))
    counts = await store.scrape([HASH_A])

    assert tuple(counts[0]) == (0, 1)


async def test_remove_unknown_is_harmless(store):
    await store.remove(HASH_B, compact("10.0.0.1", 6881))

    assert tuple((await store.scrape([HASH_B]))[0]) == (0, 0)


async def test_store_reports_healthy(store):
    assert await store.healthy() is True


async def test_swarms_are_separate(store):
    await announce(store, 1, seeder=True, info_hash=HASH_A)
    result = await announce(store, 2, info_hash=HASH_B, key="torrent-b")

    assert result.peers4 == b""
    assert result.seeders == 0
