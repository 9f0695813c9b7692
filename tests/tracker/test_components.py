"""Config, registry, completed-count buffer, connection ids, bencoding and rate-limited logging."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading

import pytest

from anirena.tracker.completed import CompletedBuffer
from anirena.tracker.config import TrackerConfig, TrackerConfigError
from anirena.tracker.connection_ids import ConnectionIdSigner
from anirena.tracker.core import Tracker
from anirena.tracker.ratelimit import RateLimitedWarnings
from anirena.tracker.registry import RefreshableRegistry, RegistryEntry, StaticRegistry, tracker_hash
from anirena.tracker.wire.bencode import BencodeError, bdecode, bencode
from anirena.tracker.wire.http_response import AnnounceEncoder, failure_body, scrape_body
from tests.tracker.helpers import HASH_A, FakeClock, make_memory_store

# -- config ---------------------------------------------------------------


def test_config_peer_ttl_defaults_to_two_intervals():
    assert TrackerConfig(interval=600, min_interval=60).effective_peer_ttl == 1200


def test_config_explicit_peer_ttl():
    assert TrackerConfig(interval=600, min_interval=60, peer_ttl=900).effective_peer_ttl == 900


def test_config_store_kind():
    assert TrackerConfig().store_kind == "memory"
    assert TrackerConfig(redis_url="redis://127.0.0.1:6379/0").store_kind == "redis"


def test_config_secret_as_text():
    assert TrackerConfig(secret="abc").secret_bytes == b"abc"


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"interval": 0}, "interval must be positive"),
        ({"min_interval": 0}, "min_interval"),
        ({"interval": 100, "min_interval": 200}, "min_interval"),
        ({"interval": 1800, "peer_ttl": 60}, "peer_ttl (60) must be at least interval"),
        ({"numwant_default": 300, "numwant_max": 200}, "numwant_default"),
        ({"numwant_default": -1}, "numwant_default"),
        ({"scrape_max_hashes": 75}, "scrape_max_hashes"),
        ({"scrape_max_hashes": 0}, "scrape_max_hashes"),
        ({"udp_port": 70000}, "udp_port"),
        ({"prune_interval": 0}, "prune_interval"),
        ({"completed_dedupe_ttl": 0}, "completed_dedupe_ttl"),
    ],
)
def test_config_rejects_invalid(settings, fragment):
    with pytest.raises(TrackerConfigError) as error:
        TrackerConfig(**settings)

    assert fragment in str(error.value)


# -- registry -------------------------------------------------------------


def test_tracker_hash_truncates_v2():
    v2 = hashlib.sha256(b"info").digest()

    assert tracker_hash(v2) == v2[:20]
    assert tracker_hash(HASH_A) == HASH_A


def test_tracker_hash_rejects_other_lengths():
    with pytest.raises(ValueError):
        tracker_hash(b"\x00" * 16)


def test_static_registry_hybrid_lookup():
    v1 = hashlib.sha1(b"info").digest()
    v2 = hashlib.sha256(b"info").digest()
    registry = StaticRegistry([RegistryEntry("t1", (v1, v2), 3)])

    assert registry.lookup(v1) == "t1"
    assert registry.lookup(v2[:20]) == "t1"
    assert registry.lookup(v2) is None
    assert registry.downloaded("t1") == 3


def test_static_registry_add_and_remove():
    registry = StaticRegistry()
    registry.add("t1", [HASH_A])
    registry.remove("t1")

    assert registry.lookup(HASH_A) is None
    assert registry.downloaded("t1") == 0
    assert len(registry) == 0


def test_static_registry_add_downloaded():
    registry = StaticRegistry([("t1", [HASH_A])])
    registry.add_downloaded({"t1": 2, "gone": 5})

    assert registry.downloaded("t1") == 2
    assert registry.downloaded("gone") == 0


def test_refreshable_registry_replaces_entries():
    rows = [RegistryEntry("t1", (HASH_A,), 1)]
    registry = RefreshableRegistry(lambda: list(rows))

    assert registry.refresh() == 1
    assert registry.lookup(HASH_A) == "t1"
    rows[:] = [RegistryEntry("t2", (b"\x07" * 20,), 4)]
    registry.refresh()

    assert registry.lookup(HASH_A) is None
    assert registry.lookup(b"\x07" * 20) == "t2"
    assert registry.downloaded("t2") == 4


def test_refreshable_registry_keeps_adds_during_refresh():
    loading = threading.Event()
    release = threading.Event()

    def slow_loader():
        loading.set()
        release.wait(5)
        return [RegistryEntry("old", (HASH_A,), 0)]

    registry = RefreshableRegistry(slow_loader)
    worker = threading.Thread(target=registry.refresh)
    worker.start()
    loading.wait(5)
    registry.add("uploaded", [b"\x09" * 20])
    release.set()
    worker.join(5)

    assert registry.lookup(b"\x09" * 20) == "uploaded"
    assert registry.lookup(HASH_A) == "old"


# -- completed buffer and sinks ------------------------------------------


class ListSink:
    def __init__(self, failures: int = 0) -> None:
        self.batches = []
        self.failures = failures
        self.thread = None

    def flush(self, increments):
        self.thread = threading.current_thread()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database unavailable")
        self.batches.append(increments)


class AsyncListSink:
    def __init__(self) -> None:
        self.batches = []

    async def flush(self, increments):
        await asyncio.sleep(0)
        self.batches.append(increments)


@pytest.mark.anyio
async def test_buffer_flushes_sync_sink_in_thread():
    buffer = CompletedBuffer()
    buffer.add("t1")
    buffer.add("t1")
    buffer.add("t2")
    sink = ListSink()
    stored = await buffer.flush(sink)

    assert stored == {"t1": 2, "t2": 1}
    assert sink.batches == [{"t1": 2, "t2": 1}]
    assert sink.thread is not threading.main_thread()
    assert buffer.pending("t1") == 0


@pytest.mark.anyio
async def test_buffer_flushes_async_sink():
    buffer = CompletedBuffer()
    buffer.add("t1")
    sink = AsyncListSink()
    await buffer.flush(sink)

    assert sink.batches == [{"t1": 1}]


@pytest.mark.anyio
async def test_buffer_keeps_increments_when_sink_fails(caplog):
    buffer = CompletedBuffer()
    buffer.add("t1")
    sink = ListSink(failures=1)
    with caplog.at_level(logging.ERROR):
        first = await buffer.flush(sink)
    buffer.add("t1")
    second = await buffer.flush(sink)

    assert first == {}
    assert "1 increments for 1 torrents are kept" in caplog.text
    assert second == {"t1": 2}
    assert sink.batches == [{"t1": 2}]


@pytest.mark.anyio
async def test_buffer_counts_in_flight_batch():
    buffer = CompletedBuffer()
    buffer.add("t1")
    seen = []

    class ObservingSink:
        async def flush(self, increments):
            buffer.add("t1")
            seen.append(buffer.pending("t1"))

    await buffer.flush(ObservingSink())

    assert seen == [2]
    assert buffer.pending("t1") == 1


@pytest.mark.anyio
async def test_buffer_empty_flush_skips_sink():
    sink = ListSink()

    assert await CompletedBuffer().flush(sink) == {}
    assert sink.batches == []


@pytest.mark.anyio
async def test_tracker_flush_updates_registry(config):
    registry = StaticRegistry([("torrent-a", [HASH_A])])
    sink = ListSink()
    tracker = Tracker(config, registry, make_memory_store(config, FakeClock()), sink)
    tracker.completed.add("torrent-a")
    await tracker.flush_completed()

    assert registry.downloaded("torrent-a") == 1
    assert tracker.downloaded("torrent-a") == 1
    assert tracker.completed.pending("torrent-a") == 0


@pytest.mark.anyio
async def test_tracker_without_sink_keeps_counts(config):
    registry = StaticRegistry([("torrent-a", [HASH_A])])
    tracker = Tracker(config, registry, make_memory_store(config, FakeClock()))
    tracker.completed.add("torrent-a")

    assert await tracker.flush_completed() == {}
    assert tracker.downloaded("torrent-a") == 1


# -- connection ids -------------------------------------------------------


def test_connection_id_accepted_for_two_minutes():
    clock = FakeClock(start=6000.5)
    signer = ConnectionIdSigner(b"k", clock=clock)
    connection_id = signer.issue(b"\x0a\x00\x00\x01")
    clock.advance(120)

    assert signer.verify(connection_id, b"\x0a\x00\x00\x01")


def test_connection_id_rejected_after_two_minutes():
    clock = FakeClock(start=6000.5)
    signer = ConnectionIdSigner(b"k", clock=clock)
    connection_id = signer.issue(b"\x0a\x00\x00\x01")
    clock.advance(121)

    assert not signer.verify(connection_id, b"\x0a\x00\x00\x01")


def test_remembered_connection_id_still_expires():
    clock = FakeClock(start=6000.5)
    signer = ConnectionIdSigner(b"k", clock=clock)
    connection_id = signer.issue(b"\x0a\x00\x00\x01")
    clock.advance(60)
    verified_early = signer.verify(connection_id, b"\x0a\x00\x00\x01")
    clock.advance(60)
    verified_at_limit = signer.verify(connection_id, b"\x0a\x00\x00\x01")
    clock.advance(1)

    assert verified_early
    assert verified_at_limit
    assert not signer.verify(connection_id, b"\x0a\x00\x00\x01")
    assert not signer.verify(connection_id, b"\x0a\x00\x00\x02")


def test_connection_id_across_stamp_wraparound():
    clock = FakeClock(start=float(65536 * 10 - 30))
    signer = ConnectionIdSigner(b"k", clock=clock)
    connection_id = signer.issue(b"\x0a\x00\x00\x01")
    clock.advance(60)

    assert signer.verify(connection_id, b"\x0a\x00\x00\x01")


def test_connection_id_tolerates_small_clock_skew():
    clock = FakeClock(start=6000.0)
    ahead = ConnectionIdSigner(b"k", clock=lambda: clock() + 3)
    behind = ConnectionIdSigner(b"k", clock=clock)

    assert behind.verify(ahead.issue(b"\x0a\x00\x00\x01"), b"\x0a\x00\x00\x01")


def test_connection_id_stamp_tampering_rejected():
    clock = FakeClock(start=6000.0)
    signer = ConnectionIdSigner(b"k", clock=clock)
    connection_id = signer.issue(b"\x0a\x00\x00\x01")
    clock.advance(200)
    refreshed = ((6200 % 65536).to_bytes(2, "big")) + connection_id[2:]

    assert not signer.verify(refreshed, b"\x0a\x00\x00\x01")


def test_connection_id_shared_between_signers_with_same_secret():
    clock = FakeClock()
    first = ConnectionIdSigner(b"shared", clock=clock)
    second = ConnectionIdSigner(b"shared", clock=clock)

    assert second.verify(first.issue(b"\x0a\x00\x00\x01"), b"\x0a\x00\x00\x01")


def test_connection_id_random_secret_per_signer():
    clock = FakeClock()
    first = ConnectionIdSigner(clock=clock)
    second = ConnectionIdSigner(clock=clock)

    assert not second.verify(first.issue(b"\x0a\x00\x00\x01"), b"\x0a\x00\x00\x01")


def test_connection_id_long_secret_accepted():
    signer = ConnectionIdSigner(b"x" * 200)

    assert signer.verify(signer.issue(b"\x0a\x00\x00\x01"), b"\x0a\x00\x00\x01")


# -- bencoding ------------------------------------------------------------


def test_bencode_round_trip():
    value = {b"b": [1, -2, b"x"], b"a": {b"n": 0}, b"c": b""}

    assert bencode(value) == b"d1:ad1:ni0ee1:bli1ei-2e1:xe1:c0:e"
    assert bdecode(bencode(value)) == value


def test_bencode_rejects_bool():
    with pytest.raises(TypeError):
        bencode(True)


@pytest.mark.parametrize("data", [b"", b"i01e", b"i-0e", b"ie", b"5:abc", b"d1:bi1e1:ai2ee", b"i1ei2e", b"x", b"l"])
def test_bdecode_rejects_invalid(data):
    with pytest.raises((BencodeError, IndexError, ValueError)):
        bdecode(data)


def test_announce_encoder_output_decodes():
    body = AnnounceEncoder(1800, 300).compact(3, 4, 5, b"\x01" * 6, b"\x02" * 18)

    assert bdecode(body) == {
        b"complete": 3,
        b"downloaded": 5,
        b"incomplete": 4,
        b"interval": 1800,
        b"min interval": 300,
        b"peers": b"\x01" * 6,
        b"peers6": b"\x02" * 18,
    }


def test_failure_body_utf8_length():
    body = failure_body("é")

    assert body == b"d14:failure reason2:\xc3\xa9e"


def test_scrape_body_sorted_keys():
    body = scrape_body([(b"\x02" * 20, 1, 2, 3), (b"\x01" * 20, 4, 5, 6)])

    assert list(bdecode(body)[b"files"]) == [b"\x01" * 20, b"\x02" * 20]


# -- rate-limited warnings ------------------------------------------------


def test_rate_limited_warnings_report_suppressed(caplog):
    clock = FakeClock(start=0)
    warnings = RateLimitedWarnings(logging.getLogger("test.ratelimit"), 60, clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.ratelimit"):
        for _ in range(5):
            warnings.warn("size", "Dropped datagram")
        clock.advance(61)
        warnings.warn("size", "Dropped datagram")
        warnings.warn("other", "Another kind")

    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Dropped datagram",
        "Dropped datagram (4 similar events since the last message)",
        "Another kind",
    ]


# -- microbenchmark -------------------------------------------------------


def test_microbench_runs(capsys):
    from anirena.tracker.microbench import main

    main(["--requests", "200", "--torrents", "10", "--rounds", "1"])
    output = capsys.readouterr().out

    assert "ASGI announce:" in output
    assert "UDP datagram:" in output
