"""A short-lived cache of whole pages for visitors without cookies, in front of Django.

Most requests to a torrent index come from visitors who are not signed in: the home
page, searches, torrent pages and feeds polled by torrent clients. Two requests without a
Cookie or Authorization header get the same page when they agree on the headers that the
response varies on. Such a response is therefore kept for a few seconds
(ANIRENA_PAGE_CACHE_SECONDS) and sent again without running Django, which skips Django's
request handling, the database and the thread that runs the view.

Only GET and HEAD requests without conditional headers, to the paths of
`CACHED_PATHS`, are looked up. A response is stored only when it is a 200 without
Set-Cookie, without `private`, `no-store` or `no-cache` in Cache-Control, without
`Vary: *`, and at most `MAX_BODY_BYTES` long. Each worker process keeps its own cache,
bounded in bytes, dropping the least recently used pages first.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

# The home page (with its search parameters), the RSS feed and torrent pages.
CACHED_PATHS = re.compile(r"/(?:rss)?|/torrents/[0-9a-fA-F-]{32,36}")
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

_BYPASS_HEADERS = frozenset((b"cookie", b"authorization", b"if-none-match", b"if-modified-since"))
# Request headers that select the site serving the request, whatever the response's Vary
# lists: a release group's subdomain serves its own page at "/", and links follow the scheme.
_SITE_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto")
_UNCACHEABLE_DIRECTIVES = re.compile(rb"\b(?:private|no-store|no-cache)\b", re.IGNORECASE)


@dataclass
class _Page:
    stored_at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    # Bytes counted against the cache's limit: body, headers and an estimate of the overhead.
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + 200


@dataclass
class _Address:
    """The pages of one address (site, path and query string), by the request values of the headers they vary on."""

    vary: tuple[bytes, ...]
    pages: dict[tuple[bytes, ...], _Page] = field(default_factory=dict)
    size: int = 0


class PageCache:
    """ASGI middleware that keeps whole responses to cookie-less requests for `seconds`."""

    def __init__(self, app: ASGIApp, seconds: float, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._clock = clock
        # Keyed by scheme, the _SITE_HEADERS values, path and query string.
        self._addresses: OrderedDict[tuple, _Address] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive, send) -> None:
        if not self._eligible(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (scope["scheme"], *(headers.get(name, b"") for name in _SITE_HEADERS),
               scope["path"], scope.get("query_string", b""))
        page = self._lookup(key, headers)
        if page is not None:
            await self._replay(page, scope["method"] == "HEAD", send)
            return
        await self._fetch_and_store(key, headers, scope, receive, send)

    def _eligible(self, scope: Scope) -> bool:
        if self.seconds <= 0 or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if not CACHED_PATHS.fullmatch(scope["path"]):
            return False
        return not any(name in _BYPASS_HEADERS for name, _value in scope["headers"])

    def _lookup(self, key: tuple, headers: dict[bytes, bytes]) -> _Page | None:
        address = self._addresses.get(key)
        if address is None:
            return None
        page = address.pages.get(tuple(headers.get(name, b"") for name in address.vary))
        if page is None:
            return None
        if self._clock() - page.stored_at >= self.seconds:
            return None
        self._addresses.move_to_end(key)
        return page

    async def _replay(self, page: _Page, head_only: bool, send) -> None:
        age = str(int(self._clock() - page.stored_at)).encode()
        await send({"type": "http.response.start", "status": page.status, "headers": [*page.headers, (b"age", age)]})
        await send({"type": "http.response.body", "body": b"" if head_only else page.body})

    async def _fetch_and_store(self, key, headers, scope, receive, send) -> None:
        """Run the site for a GET request, pass its response on, and keep a copy when it may be shared."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        storable = True

        async def capture(message: Message) -> None:
            nonlocal start, size, storable
            if message["type"] == "http.response.start":
                start = message
                storable = _may_share(message)
            elif message["type"] == "http.response.body" and storable:
                body = message.get("body", b"")
                size += len(body)
                if size > MAX_BODY_BYTES:
                    storable = False
                    chunks.clear()
                else:
                    chunks.append(body)
            await send(message)

        await self.app(scope, receive, capture)
        # A HEAD response has no body to keep.
        if storable and start is not None and scope["method"] == "GET":
            self._store(key, headers, start, b"".join(chunks))

    def _store(self, key, headers: dict[bytes, bytes], start: Message, body: bytes) -> None:
        response_headers = [(bytes(name).lower(), bytes(value)) for name, value in start.get("headers", [])]
        vary = tuple(sorted({
            token.strip().lower()
            for name, value in response_headers if name == b"vary"
            for token in value.split(b",") if token.strip()
        }))
        page = _Page(self._clock(), start["status"], response_headers, body)
        if page.size > self.max_bytes:
            return
        address = self._addresses.pop(key, None)
        if address is not None and address.vary != vary:
            self._bytes -= address.size
            address = None
        if address is None:
            address = _Address(vary)
        values = tuple(headers.get(name, b"") for name in vary)
        replaced = address.pages.get(values)
        change = page.size - (replaced.size if replaced is not None else 0)
        address.pages[values] = page
        address.size += change
        self._bytes += change
        self._addresses[key] = address
        while self._bytes > self.max_bytes and self._addresses:
            _key, dropped = self._addresses.popitem(last=False)
            self._bytes -= dropped.size


def _may_share(start: Message) -> bool:
    if start["status"] != 200:
        return False
    for name, value in start.get("headers", []):
        name = bytes(name).lower()
        if name == b"set-cookie":
            return False
        if name == b"cache-control" and _UNCACHEABLE_DIRECTIVES.search(value):
            return False
        if name == b"vary" and b"*" in value:
            return False
    return True
