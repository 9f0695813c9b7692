"""Helpers for the tracker tests: a fake clock, query builders, an ASGI caller, Redis checks."""

from __future__ import annotations

import socket
import uuid
from urllib.parse import quote_from_bytes

from anirena.testing import need
from anirena.tracker.config import TrackerConfig
from anirena.tracker.store.memory import MemoryPeerStore
from anirena.tracker.wire.bencode import bdecode

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"

HASH_A = bytes(range(20))
HASH_B = bytes(range(100, 120))
# A hybrid torrent: the v1 hash and the truncated v2 hash share one key.
HYBRID_V1 = b"\x01" * 20
HYBRID_V2 = b"\x02" * 20
UNREGISTERED = b"\xee" * 20


class FakeClock:
    """Clock that moves only when a test calls `advance`."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_redis_reachable: bool | None = None


def redis_reachable() -> bool:
    global _redis_reachable
    if _redis_reachable is None:
        try:
            with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                _redis_reachable = connection.recv(16).startswith(b"+PONG")
        except OSError:
            _redis_reachable = False
    return _redis_reachable


def need_redis() -> None:
    need(redis_reachable(), f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}; start redis-server to run this test")


def peer_id(number: int) -> bytes:
    return b"-AR0001-" + number.to_bytes(12, "big")


def encode_query(params: list[tuple[str, bytes | str | int]]) -> bytes:
    """Build a query string, percent-encoding every byte of bytes values."""
    parts = []
    for name, value in params:
        if isinstance(value, bytes):
            text = "".join(f"%{byte:02X}" for byte in value)
        else:
            text = quote_from_bytes(str(value).encode())
        parts.append(f"{name}={text}")
    return "&".join(parts).encode()


def announce_query(info_hash: bytes = HASH_A, number: int = 1, port: int = 6881, left: int = 0, **extra) -> bytes:
    params: list[tuple[str, bytes | str | int]] = [
        ("info_hash", info_hash),
        ("peer_id", peer_id(number)),
        ("port", port),
        ("uploaded", 0),
        ("downloaded", 0),
        ("left", left),
    ]
    params.extend(extra.items())
    return encode_query(params)


class AsgiResponse:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = dict(headers)
        self.body = body

    def decoded(self):
        return bdecode(self.body)


async def asgi_get(
    app,
    path: str,
    query_string: bytes = b"",
    client: tuple[str, int] | None = ("10.0.0.1", 50000),
    headers: list[tuple[bytes, bytes]] | None = None,
) -> AsgiResponse:
    """Call an ASGI app with one GET request and collect the response."""
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": headers or [],
        "client": client,
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    start, body = messages[0], messages[1]
    assert start["type"] == "http.response.start"
    return AsgiResponse(start["status"], start["headers"], body["body"])


def split_compact(blob: bytes, width: int) -> list[bytes]:
    return [blob[i : i + width] for i in range(0, len(blob), width)]


def compact(ip: str, port: int) -> bytes:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    return socket.inet_pton(family, ip) + port.to_bytes(2, "big")


def make_memory_store(config: TrackerConfig, clock: FakeClock) -> MemoryPeerStore:
    return MemoryPeerStore(config.effective_peer_ttl, config.completed_dedupe_ttl, clock=clock)


async def make_redis_store(config: TrackerConfig, clock: FakeClock):
    import redis.asyncio as aioredis

    from anirena.tracker.store.redis import RedisPeerStore

    need_redis()
    return RedisPeerStore(
        aioredis.Redis.from_url(REDIS_URL),
        config.effective_peer_ttl,
        config.completed_dedupe_ttl,
        prefix=f"anirena-test:{uuid.uuid4().hex}:",
        clock=clock,
    )
