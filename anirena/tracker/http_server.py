"""Built-in HTTP/1.1 server for `/announce` and `/scrape` only, on a port of its own.

It exists for speed. Measured with wrk 4.1 (1 thread, 32 connections) on
the 2-core development machine, per second of server CPU time: uvicorn
0.55 with httptools and uvloop served about 14,000 trivial ASGI requests and
7,400 tracker announces, a bare uvloop protocol about 70,000 trivial
requests, and this server about 11,800 announces. Other processes loaded
the machine during these runs, so the numbers are rough. The ASGI app stays
the way to serve the tracker on the site's own port.

Supported: GET and HEAD, HTTP/1.0 and 1.1, keep-alive and pipelining.
Requests with a body, malformed request lines and heads larger than
MAX_HEAD_SIZE get a 4xx status and the connection is closed. Idle
connections are closed by `close_idle`, which TrackerService calls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from anirena.tracker.http_handler import TrackerRequestHandler
from anirena.tracker.inline import run_inline
from anirena.tracker.ratelimit import RateLimitedWarnings

logger = logging.getLogger(__name__)

MAX_HEAD_SIZE = 8192
# Stop reading from a client that pipelines more than this while a request waits on the store.
_MAX_BUFFERED = 65536
IDLE_TIMEOUT = 30.0

_OK_KEEP_ALIVE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
_OK_CLOSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"


def _error_response(status: bytes, keep_alive: bool) -> bytes:
    body = status.split(b" ", 1)[1].lower()
    connection = b"" if keep_alive else b"Connection: close\r\n"
    return b"HTTP/1.1 %b\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%b\r\n%b" % (
        status,
        len(body),
        connection,
        body,
    )


_NOT_FOUND = _error_response(b"404 Not Found", True)
_NOT_FOUND_CLOSE = _error_response(b"404 Not Found", False)
_BAD_REQUEST = _error_response(b"400 Bad Request", False)
_METHOD_NOT_ALLOWED = _error_response(b"405 Method Not Allowed", False)
_HEAD_TOO_LARGE = _error_response(b"431 Request Header Fields Too Large", False)


class TrackerHttpProtocol(asyncio.Protocol):
    """One client connection of the built-in HTTP server."""

    def __init__(self, server: TrackerHttpServer) -> None:
        self._server = server
        self._handler = server.handler
        self._inline = server.inline
        self._trust_forwarded_for = server.trust_forwarded_for
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._peer_host: str | None = None
        self._buffer = bytearray()
        self._waiting: asyncio.Task[bytes] | None = None
        self._paused = False
        self.last_activity = self._loop.time()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self._peer_host = peer[0] if peer else None
        self._server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._server.connections.discard(self)
        if self._waiting is not None:
            self._waiting.cancel()

    def data_received(self, data: bytes) -> None:
        self.last_activity = self._loop.time()
        self._buffer += data
        if self._waiting is None:
            self._process()
        elif len(self._buffer) > _MAX_BUFFERED and not self._paused and self._transport is not None:
            self._paused = True
            self._transport.pause_reading()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def _process(self) -> None:
        buffer = self._buffer
        while self._waiting is None and self._transport is not None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD_SIZE:
                    self._reply_and_close(_HEAD_TOO_LARGE)
                return
            if end > MAX_HEAD_SIZE:
                self._reply_and_close(_HEAD_TOO_LARGE)
                return
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            self._handle_head(head)

    def _handle_head(self, head: bytes) -> None:
        line_end = head.find(b"\r\n")
        request_line = head if line_end < 0 else head[:line_end]
        parts = request_line.split(b" ")
        if len(parts) != 3 or parts[2] not in (b"HTTP/1.1", b"HTTP/1.0"):
            self._reply_and_close(_BAD_REQUEST)
            return
        method, target, version = parts
        keep_alive = version == b"HTTP/1.1"
        forwarded_for = None
        if line_end >= 0:
            for line in head[line_end + 2 :].split(b"\r\n"):
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"connection":
                    token = value.strip().lower()
                    if token == b"close":
                        keep_alive = False
                    elif token == b"keep-alive":
                        keep_alive = True
                elif name == b"content-length":
                    if value.strip() != b"0":
                        self._reply_and_close(_BAD_REQUEST)
                        return
                elif name == b"transfer-encoding":
                    self._reply_and_close(_BAD_REQUEST)
                    return
                elif name == b"x-forwarded-for" and self._trust_forwarded_for:
                    forwarded_for = value.strip()

        if method != b"GET" and method != b"HEAD":
            self._reply_and_close(_METHOD_NOT_ALLOWED)
            return
        path, _, query = target.partition(b"?")
        if path == self._server.announce_path:
            coroutine = self._handler.announce(query, self._peer_host, forwarded_for)
        elif path == self._server.scrape_path:
            coroutine = self._handler.scrape(query)
        else:
            self._write(_NOT_FOUND if keep_alive else _NOT_FOUND_CLOSE, keep_alive)
            return
        self._run(coroutine, keep_alive, method == b"HEAD")

    def _run(self, coroutine: Coroutine[Any, Any, bytes], keep_alive: bool, head_only: bool) -> None:
        if self._inline:
            self._respond(run_inline(coroutine), keep_alive, head_only)
            return
        task = self._loop.create_task(coroutine)
        self._waiting = task
        task.add_done_callback(lambda done: self._finish(done, keep_alive, head_only))

    def _finish(self, task: asyncio.Task[bytes], keep_alive: bool, head_only: bool) -> None:
        self._waiting = None
        if task.cancelled() or self._transport is None:
            return
        error = task.exception()
        if error is not None:
            self._server.warnings.warn("request", "HTTP tracker request failed: %r", error)
            self._reply_and_close(_BAD_REQUEST)
            return
        self._respond(task.result(), keep_alive, head_only)
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        self._process()

    def _respond(self, body: bytes, keep_alive: bool, head_only: bool) -> None:
        head = (_OK_KEEP_ALIVE if keep_alive else _OK_CLOSE) % len(body)
        self._write(head if head_only else head + body, keep_alive)

    def _write(self, payload: bytes, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        transport.write(payload)
        if not keep_alive:
            transport.close()
            self._transport = None

    def _reply_and_close(self, response: bytes) -> None:
        self._buffer.clear()
        self._write(response, False)


class TrackerHttpServer:
    """Listening socket and open connections of the built-in HTTP server."""

    def __init__(
        self,
        handler: TrackerRequestHandler,
        *,
        announce_path: str = "/announce",
        scrape_path: str = "/scrape",
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        tracker = handler.tracker
        self.handler = handler
        self.inline = tracker.store.runs_inline
        self.trust_forwarded_for = tracker.config.trust_forwarded_for
        self.announce_path = announce_path.encode()
        self.scrape_path = scrape_path.encode()
        self.idle_timeout = idle_timeout
        self.connections: set[TrackerHttpProtocol] = set()
        self.warnings = RateLimitedWarnings(logger)
        self._server: asyncio.AbstractServer | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        sockets = getattr(self._server, "sockets", None)
        if not sockets:
            return None
        host, port = sockets[0].getsockname()[:2]
        return host, port

    async def start(self, host: str, port: int, *, reuse_port: bool = False) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: TrackerHttpProtocol(self), host, port, reuse_port=reuse_port or None
        )

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for connection in list(self.connections):
            connection.close()
        await self._server.wait_closed()
        self._server = None

    def close_idle(self) -> int:
        """Close connections without traffic for `idle_timeout` seconds and return how many."""
        deadline = asyncio.get_running_loop().time() - self.idle_timeout
        idle = [connection for connection in self.connections if connection.last_activity < deadline]
        for connection in idle:
            connection.close()
        return len(idle)
