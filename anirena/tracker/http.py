"""ASGI application that serves HTTP announce and scrape in front of the site.

It serves `/announce` and `/scrape` itself, without a web framework, and
passes every other request to a fallback ASGI application (the site).
Every tracker response has status 200 and a bencoded `text/plain` body,
failures included, because clients read only the body.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

from anirena.tracker.core import Tracker
from anirena.tracker.http_handler import TrackerRequestHandler

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CONTENT_TYPE = (b"content-type", b"text/plain")
_FORWARDED_FOR = b"x-forwarded-for"


class Lifecycle(Protocol):
    """Start and stop hooks, such as a TrackerService, run on ASGI lifespan events."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class TrackerApp:
    """ASGI application for the tracker endpoints, with a fallback for all other paths.

    With `lifecycle`, the app handles ASGI lifespan events itself: it starts
    the lifecycle on startup and stops it on shutdown, and does not forward
    lifespan to the fallback (Django's ASGI handler rejects lifespan scopes).
    Without it, lifespan goes to the fallback, if any.
    """

    def __init__(
        self,
        tracker: Tracker,
        fallback: ASGIApp | None = None,
        *,
        lifecycle: Lifecycle | None = None,
        announce_path: str = "/announce",
        scrape_path: str = "/scrape",
    ) -> None:
        self.tracker = tracker
        self._fallback = fallback
        self.lifecycle = lifecycle
        self._announce_path = announce_path
        self._scrape_path = scrape_path
        self.handler = TrackerRequestHandler(tracker)
        self._trust_forwarded_for = tracker.config.trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path = scope["path"]
            if path == self._announce_path:
                client = scope.get("client")
                forwarded_for = _forwarded_for(scope) if self._trust_forwarded_for else None
                body = await self.handler.announce(scope["query_string"], client[0] if client else None, forwarded_for)
                await self._send_body(send, body)
                return
            if path == self._scrape_path:
                await self._send_body(send, await self.handler.scrape(scope["query_string"]))
                return
        elif kind == "lifespan":
            if self.lifecycle is not None:
                await self._run_lifespan(receive, send)
                return
            if self._fallback is None:
                await _complete_lifespan(receive, send)
                return
        if self._fallback is not None:
            await self._fallback(scope, receive, send)
        elif kind == "http":
            await _send_not_found(send)

    @staticmethod
    async def _send_body(send: Send, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [_CONTENT_TYPE, (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _run_lifespan(self, receive: Receive, send: Send) -> None:
        assert self.lifecycle is not None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.lifecycle.start()
                except Exception as error:
                    logger.exception("Tracker failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.lifecycle.stop()
                except Exception as error:
                    logger.exception("Tracker failed to stop cleanly")
                    await send({"type": "lifespan.shutdown.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return


def _forwarded_for(scope: Scope) -> bytes | None:
    """Return the X-Forwarded-For value (the last one if repeated), or None."""
    value = None
    for name, header_value in scope.get("headers", ()):
        if name == _FORWARDED_FOR:
            value = header_value
    return value


async def _complete_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _send_not_found(send: Send) -> None:
    body = b"not found"
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [_CONTENT_TYPE, (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})
