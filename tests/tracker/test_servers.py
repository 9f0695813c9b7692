"""Real sockets: the UDP server of TrackerService, uvicorn serving TrackerApp, and the standalone command."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest

from anirena.testing import REPO_ROOT
from anirena.tracker.config import TrackerConfig, TrackerConfigError
from anirena.tracker.core import Tracker
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.server import (
    TrackerService,
    build_standalone_app,
    build_uvicorn_server,
    check_store_for_workers,
    sync_counts_reader,
)
from anirena.tracker.wire.bencode import bdecode
from anirena.tracker.wire.udp_packets import PROTOCOL_ID
from tests.tracker.helpers import HASH_A, HYBRID_V1, HYBRID_V2, announce_query, compact, make_memory_store, peer_id

TRANSACTION = b"\x0b\xad\xf0\x0d"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UdpClient:
    """Blocking UDP tracker client on 127.0.0.1."""

    def __init__(self, server: tuple[str, int]) -> None:
        self.server = server
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(5)

    def exchange(self, datagram: bytes) -> bytes:
        self.socket.sendto(datagram, self.server)
        data, _ = self.socket.recvfrom(65536)
        return data

    def connect(self) -> bytes:
        response = self.exchange(PROTOCOL_ID + struct.pack("!I4s", 0, TRANSACTION))
        return struct.unpack("!I4s8s", response)[2]

    def announce(self, number: int, port: int, left: int = 0, event: int = 2, info_hash: bytes = HASH_A) -> bytes:
        packet = self.connect() + struct.pack("!I4s", 1, TRANSACTION)
        packet += struct.pack("!20s20sQQQI4sIiH", info_hash, peer_id(number), 0, left, 0, event, bytes(4), 0, -1, port)
        return self.exchange(packet)

    def close(self) -> None:
        self.socket.close()


async def in_thread(function, *args):
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


# -- TrackerService -------------------------------------------------------


class RecordingSink:
    def __init__(self) -> None:
        self.batches = []

    def flush(self, increments):
        self.batches.append(dict(increments))


@pytest.fixture
def service_tracker(config, registry, clock) -> Tracker:
    return Tracker(config, registry, make_memory_store(config, clock), RecordingSink())


@pytest.mark.anyio
async def test_udp_server_real_socket(service_tracker):
    service = TrackerService(service_tracker, udp_host="127.0.0.1", udp_port=0)
    await service.start()
    client = UdpClient(service.udp_address)
    try:
        await in_thread(client.announce, 1, 6881)
        response = await in_thread(client.announce, 2, 6882, 10)
    finally:
        client.close()
        await service.stop()
    action, transaction, interval, leechers, seeders = struct.unpack_from("!I4sIII", response)

    assert action == 1
    assert transaction == TRANSACTION
    assert (interval, leechers, seeders) == (1800, 1, 1)
    # Both clients share 127.0.0.1, so they differ by port only.
    assert response[20:] == compact("127.0.0.1", 6881)


@pytest.mark.anyio
async def test_service_flushes_completed_on_stop(service_tracker):
    service = TrackerService(service_tracker, udp_host="127.0.0.1", udp_port=0)
    await service.start()
    client = UdpClient(service.udp_address)
    try:
        await in_thread(client.announce, 1, 6881, 0, 1)
    finally:
        client.close()
        await service.stop()

    assert service_tracker.sink.batches == [{"torrent-a": 1}]


@pytest.mark.anyio
async def test_service_without_udp(service_tracker):
    service = TrackerService(service_tracker, udp_host="127.0.0.1", udp_port=None)
    await service.start()
    address = service.udp_address
    await service.stop()

    assert address is None


@pytest.mark.anyio
async def test_service_start_twice_rejected(service_tracker):
    service = TrackerService(service_tracker, udp_host="127.0.0.1", udp_port=None)
    await service.start()
    try:
        with pytest.raises(RuntimeError):
            await service.start()
    finally:
        await service.stop()


@pytest.mark.anyio
async def test_service_tick_loop_prunes_and_flushes(registry, clock):
    config = TrackerConfig(prune_interval=0.01, completed_flush_interval=0.01)
    tracker = Tracker(config, registry, make_memory_store(config, clock), RecordingSink())
    service = TrackerService(tracker, udp_host="127.0.0.1", udp_port=None, tick_seconds=0.01)
    await tracker.announce(HASH_A, peer_id(1), b"\x0a\x00\x00\x01", 6881, True, 1, 0, 3)
    clock.advance(config.effective_peer_ttl + 1)
    await service.start()
    try:
        for _ in range(500):
            if tracker.sink.batches and tracker.store.peer_count() == 0:
                break
            await asyncio.sleep(0.01)
    finally:
        await service.stop()

    assert tracker.sink.batches == [{"torrent-a": 1}]
    assert tracker.store.peer_count() == 0


@pytest.mark.anyio
async def test_service_periodic_tasks_once(service_tracker, clock):
    service = TrackerService.from_config(service_tracker)
    await service_tracker.announce(HASH_A, peer_id(1), b"\x0a\x00\x00\x01", 6881, True, 1, 0, 3)
    clock.advance(service_tracker.config.effective_peer_ttl + 1)
    await service.run_periodic_tasks()

    assert service_tracker.store.peer_count() == 0
    assert service_tracker.sink.batches == [{"torrent-a": 1}]


def test_check_store_for_workers_rejects_memory():
    with pytest.raises(TrackerConfigError) as error:
        check_store_for_workers("memory", 4)

    assert "ANIRENA_REDIS_URL" in str(error.value)
    assert "4 worker processes" in str(error.value)


@pytest.mark.parametrize(("kind", "workers"), [("memory", 1), ("redis", 1), ("redis", 8)])
def test_check_store_for_workers_accepts(kind, workers):
    check_store_for_workers(kind, workers)


def test_check_store_for_workers_unknown_kind():
    with pytest.raises(TrackerConfigError):
        check_store_for_workers("sqlite", 1)


def test_sync_counts_reader_memory(service_tracker):
    run = asyncio.run
    run(service_tracker.announce(HYBRID_V1, peer_id(1), b"\x0a\x00\x00\x01", 6881, True, 2, 0, 3))
    run(service_tracker.announce(HYBRID_V2, peer_id(1), b"\x0a\x00\x00\x01", 6881, True, 2, 0, 3))
    reader = sync_counts_reader(service_tracker)

    assert tuple(reader([("hybrid", [HYBRID_V1, HYBRID_V2])])["hybrid"]) == (1, 0)


@pytest.mark.anyio
async def test_sync_counts_reader_redis_from_thread(config, registry, clock):
    from tests.tracker.helpers import make_redis_store

    store = await make_redis_store(config, clock)
    tracker = Tracker(config, registry, store)
    try:
        await tracker.announce(HASH_A, peer_id(1), b"\x0a\x00\x00\x01", 6881, False, 2, 0, 3)
        reader = sync_counts_reader(tracker, asyncio.get_running_loop())
        counts = await in_thread(reader, [("torrent-a", [HASH_A])])
        with pytest.raises(RuntimeError):
            reader([("torrent-a", [HASH_A])])
    finally:
        await store.delete_all()
        await store.close()

    assert tuple(counts["torrent-a"]) == (0, 1)


# -- uvicorn --------------------------------------------------------------


class UvicornThread:
    """uvicorn serving a standalone tracker app in a background thread."""

    def __init__(self, app, port: int) -> None:
        self.port = port
        self.server = build_uvicorn_server(app, "127.0.0.1", port, log_level="warning")
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            time.sleep(0.01)
        raise RuntimeError(f"uvicorn did not start on port {self.port}")

    def __exit__(self, *exc_info):
        self.server.should_exit = True
        self.thread.join(10)


def http_get(port: int, target: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.getheader("content-type"), response.read()
    finally:
        connection.close()


def test_http_server_real_uvicorn():
    registry = StaticRegistry([("torrent-a", [HASH_A])])
    app = build_standalone_app(TrackerConfig(), registry, RecordingSink(), host="127.0.0.1", udp_port=0)
    with UvicornThread(app, free_port()) as server:
        http_get(server.port, "/announce?" + announce_query(number=1, port=7001).decode())
        status, content_type, body = http_get(server.port, "/announce?" + announce_query(number=2, left=5).decode())
        udp = UdpClient(app.lifecycle.udp_address)
        try:
            udp_response = udp.announce(3, 7003, 5)
        finally:
            udp.close()
        scrape_status, _, scrape = http_get(server.port, "/scrape?info_hash=" + quote_from_bytes(HASH_A))
        missing_status, _, _ = http_get(server.port, "/favicon.ico")

    assert status == 200
    assert content_type == "text/plain"
    assert bdecode(body)[b"peers"] == compact("127.0.0.1", 7001)
    assert sorted(udp_response[20 + i : 26 + i] for i in (0, 6)) == [
        compact("127.0.0.1", 6881),
        compact("127.0.0.1", 7001),
    ]
    assert scrape_status == 200
    assert bdecode(scrape)[b"files"][HASH_A] == {b"complete": 1, b"downloaded": 0, b"incomplete": 2}
    assert missing_status == 404


def read_bencoded_response(sock: socket.socket) -> dict:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return bdecode(response.read())


def test_all_byte_values_through_uvicorn():
    by_value = {value: bytes([value]) * 20 for value in range(256)}
    registry = StaticRegistry([(str(value), [info_hash]) for value, info_hash in by_value.items()])
    app = build_standalone_app(TrackerConfig(), registry, host="127.0.0.1", udp_port=None)
    # `&` separates parameters, `%` starts an escape and LF ends the request
    # line; every other byte may go raw (anirena.tracker.wire.request_line).
    raw_values = [value for value in range(256) if value not in b"&%\n"]
    failures = []
    with UvicornThread(app, free_port()) as server, socket.create_connection(("127.0.0.1", server.port), 5) as sock:
        requests = [("encoded", value, b"".join(b"%%%02X" % byte for byte in by_value[value])) for value in by_value]
        requests += [("raw", value, by_value[value]) for value in raw_values]
        for form, value, sent in requests:
            sock.sendall(b"GET /announce?info_hash=" + sent + b"&peer_id=" + sent
                         + b"&port=6881&left=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            if b"complete" not in read_bencoded_response(sock):
                failures.append((form, value))

    assert failures == []


# -- standalone command ---------------------------------------------------


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(1000):
        if process.poll() is not None:
            raise RuntimeError(f"tracker exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"tracker did not listen on port {port}")


@pytest.mark.parametrize("http_server", ["builtin", "uvicorn"])
def test_standalone_command(tmp_path: Path, http_server: str):
    torrents = tmp_path / "torrents.txt"
    torrents.write_text(f"# key and hashes\ntorrent-a {HASH_A.hex()}\n{HYBRID_V1.hex()} {HYBRID_V2.hex()}\n")
    http_port, udp_port = free_port(), free_port(socket.SOCK_DGRAM)
    command = [
        sys.executable,
        "-m",
        "anirena.tracker",
        "--torrents",
        str(torrents),
        "--http-port",
        str(http_port),
        "--udp-port",
        str(udp_port),
        "--http-server",
        http_server,
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(http_port, process)
        _, _, body = http_get(http_port, "/announce?" + announce_query(event="completed").decode())
        udp = UdpClient(("127.0.0.1", udp_port))
        try:
            udp_response = udp.announce(2, 7002, 0, 2, info_hash=HYBRID_V1)
        finally:
            udp.close()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)

    assert bdecode(body)[b"downloaded"] == 1
    assert struct.unpack_from("!I", udp_response)[0] == 1
    # uvicorn re-raises the signal after a clean shutdown.
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Serving 2 registered torrents" in stderr
    assert "Completed downloads: 1 for 1 torrents" in stderr
