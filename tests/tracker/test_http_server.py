"""The built-in HTTP/1.1 server on a real socket: keep-alive, pipelining and bad requests."""

from __future__ import annotations

import asyncio

import pytest

from anirena.tracker.core import Tracker
from anirena.tracker.http_handler import TrackerRequestHandler
from anirena.tracker.http_server import MAX_HEAD_SIZE, TrackerHttpServer
from anirena.tracker.server import TrackerService
from anirena.tracker.wire.bencode import bdecode
from tests.tracker.helpers import HASH_A, announce_query, compact, make_redis_store

pytestmark = pytest.mark.anyio


@pytest.fixture
async def http_server(tracker, anyio_backend):
    server = TrackerHttpServer(TrackerRequestHandler(tracker))
    await server.start("127.0.0.1", 0)
    try:
        yield server
    finally:
        await server.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status_line, *header_lines = head[:-4].split(b"\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    body = await asyncio.wait_for(reader.readexactly(int(headers[b"content-length"])), 5)
    return status_line, headers, body


async def exchange(server: TrackerHttpServer, request: bytes, responses: int = 1):
    reader, writer = await asyncio.open_connection(*server.address)
    try:
        writer.write(request)
        await writer.drain()
        return [await read_response(reader) for _ in range(responses)]
    finally:
        writer.close()


def get(target: bytes, *headers: bytes, version: bytes = b"HTTP/1.1", method: bytes = b"GET") -> bytes:
    lines = [method + b" " + target + b" " + version, b"Host: 127.0.0.1", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def test_announce_over_builtin_server(http_server):
    [(status, headers, body)] = await exchange(http_server, get(b"/announce?" + announce_query()))

    assert status == b"HTTP/1.1 200 OK"
    assert headers[b"content-type"] == b"text/plain"
    assert bdecode(body)[b"complete"] == 1


async def test_keep_alive_and_pipelining(http_server):
    requests = get(b"/announce?" + announce_query(number=1, port=7001))
    requests += get(b"/announce?" + announce_query(number=2, port=7002, left=5))
    requests += get(b"/scrape?" + b"info_hash=" + b"".join(b"%%%02X" % byte for byte in HASH_A))
    responses = await exchange(http_server, requests, responses=3)

    assert [status for status, _, _ in responses] == [b"HTTP/1.1 200 OK"] * 3
    assert bdecode(responses[1][2])[b"peers"] == compact("127.0.0.1", 7001)
    assert bdecode(responses[2][2])[b"files"][HASH_A][b"incomplete"] == 1


async def test_request_split_across_packets(http_server):
    request = get(b"/announce?" + announce_query())
    reader, writer = await asyncio.open_connection(*http_server.address)
    try:
        for offset in range(0, len(request), 7):
            writer.write(request[offset : offset + 7])
            await writer.drain()
            await asyncio.sleep(0)
        status, _, body = await read_response(reader)
    finally:
        writer.close()

    assert status == b"HTTP/1.1 200 OK"
    assert b"complete" in bdecode(body)


async def test_connection_close_honoured(http_server):
    reader, writer = await asyncio.open_connection(*http_server.address)
    try:
        writer.write(get(b"/announce?" + announce_query(), b"Connection: close"))
        _, headers, _ = await read_response(reader)
        rest = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()

    assert headers[b"connection"] == b"close"
    assert rest == b""


async def test_http10_closes_by_default(http_server):
    [(status, headers, _)] = await exchange(http_server, get(b"/announce?" + announce_query(), version=b"HTTP/1.0"))

    assert status == b"HTTP/1.1 200 OK"
    assert headers[b"connection"] == b"close"


async def test_head_request_has_no_body(http_server):
    reader, writer = await asyncio.open_connection(*http_server.address)
    try:
        writer.write(get(b"/announce?" + announce_query(), b"Connection: close", method=b"HEAD"))
        data = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()

    assert data.startswith(b"HTTP/1.1 200 OK")
    assert data.endswith(b"\r\n\r\n")


async def test_unknown_path_is_404(http_server):
    [(status, _, body)] = await exchange(http_server, get(b"/index.html"))

    assert status == b"HTTP/1.1 404 Not Found"
    assert body == b"not found"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", b"HTTP/1.1 400 Bad Request"),
        (b"GET /announce HTTP/2.0\r\n\r\n", b"HTTP/1.1 400 Bad Request"),
        (b"GET  /announce HTTP/1.1\r\n\r\n", b"HTTP/1.1 400 Bad Request"),
        (b"POST /announce HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", b"HTTP/1.1 400 Bad Request"),
        (b"GET /announce HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"HTTP/1.1 400 Bad Request"),
        (b"DELETE /announce HTTP/1.1\r\n\r\n", b"HTTP/1.1 405 Method Not Allowed"),
        (b"GET /announce?" + b"a" * (MAX_HEAD_SIZE + 10), b"HTTP/1.1 431 Request Header Fields Too Large"),
        (
            b"GET /announce HTTP/1.1\r\nX-Padding: " + b"a" * MAX_HEAD_SIZE + b"\r\n\r\n",
            b"HTTP/1.1 431 Request Header Fields Too Large",
        ),
    ],
)
async def test_bad_requests_rejected(http_server, request_bytes, status):
    reader, writer = await asyncio.open_connection(*http_server.address)
    try:
        writer.write(request_bytes)
        data = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()

    assert data.split(b"\r\n", 1)[0] == status
    assert b"Connection: close" in data


async def test_failure_reason_over_builtin_server(http_server):
    [(status, _, body)] = await exchange(http_server, get(b"/announce?port=1"))

    assert status == b"HTTP/1.1 200 OK"
    assert body == b"d14:failure reason17:missing info_hashe"


async def test_idle_connections_closed(tracker):
    server = TrackerHttpServer(TrackerRequestHandler(tracker), idle_timeout=0)
    await server.start("127.0.0.1", 0)
    try:
        reader, writer = await asyncio.open_connection(*server.address)
        for _ in range(100):
            if server.connections:
                break
            await asyncio.sleep(0.01)
        closed = server.close_idle()
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    finally:
        await server.close()

    assert closed == 1
    assert data == b""


async def test_pipelined_requests_keep_order_with_redis(config, registry, clock):
    store = await make_redis_store(config, clock)
    tracker = Tracker(config, registry, store)
    server = TrackerHttpServer(TrackerRequestHandler(tracker))
    await server.start("127.0.0.1", 0)
    try:
        requests = b"".join(
            get(b"/announce?" + announce_query(number=number, port=7000 + number, left=5)) for number in range(1, 6)
        )
        responses = await exchange(server, requests, responses=5)
    finally:
        await server.close()
        await store.delete_all()
        await store.close()

    assert [bdecode(body)[b"incomplete"] for _, _, body in responses] == [1, 2, 3, 4, 5]


async def test_service_runs_builtin_http(tracker):
    service = TrackerService(tracker, udp_host="127.0.0.1", udp_port=None, http_port=0)
    await service.start()
    try:
        reader, writer = await asyncio.open_connection(*service.http_address)
        writer.write(get(b"/announce?" + announce_query()))
        status, _, _ = await read_response(reader)
        writer.close()
    finally:
        await service.stop()

    assert status == b"HTTP/1.1 200 OK"
    assert service.http_address is None
