"""HTTP scrape (BEP 48), routing to the fallback app, and ASGI lifespan handling."""

from __future__ import annotations

import pytest

from anirena.tracker.http import TrackerApp
from anirena.tracker.wire import messages
from tests.tracker.helpers import (
    HASH_A,
    HASH_B,
    HYBRID_V1,
    HYBRID_V2,
    UNREGISTERED,
    announce_query,
    asgi_get,
    encode_query,
)

pytestmark = pytest.mark.anyio


def scrape_query(*hashes: bytes) -> bytes:
    return encode_query([("info_hash", info_hash) for info_hash in hashes])


async def test_scrape_one_hash(app):
    await asgi_get(app, "/announce", announce_query(number=1, left=0), client=("10.0.0.1", 1))
    await asgi_get(app, "/announce", announce_query(number=2, left=9), client=("10.0.0.2", 1))
    response = await asgi_get(app, "/scrape", scrape_query(HASH_A))

    assert response.status == 200
    assert response.headers[b"content-type"] == b"text/plain"
    assert response.decoded() == {b"files": {HASH_A: {b"complete": 1, b"downloaded": 0, b"incomplete": 1}}}


async def test_scrape_many_hashes(app):
    await asgi_get(app, "/announce", announce_query(info_hash=HASH_B, event="completed"))
    response = await asgi_get(app, "/scrape", scrape_query(HASH_B, HASH_A))
    files = response.decoded()[b"files"]

    assert files[HASH_A] == {b"complete": 0, b"downloaded": 0, b"incomplete": 0}
    assert files[HASH_B] == {b"complete": 1, b"downloaded": 1, b"incomplete": 0}


async def test_scrape_leaves_out_unregistered(app):
    response = await asgi_get(app, "/scrape", scrape_query(HASH_A, UNREGISTERED))

    assert list(response.decoded()[b"files"]) == [HASH_A]


async def test_scrape_duplicate_hash_once(app):
    response = await asgi_get(app, "/scrape", scrape_query(HASH_A, HASH_A))

    assert list(response.decoded()[b"files"]) == [HASH_A]


async def test_scrape_hybrid_downloaded_shared(app):
    await asgi_get(app, "/announce", announce_query(info_hash=HYBRID_V1, event="completed"))
    response = await asgi_get(app, "/scrape", scrape_query(HYBRID_V1, HYBRID_V2))
    files = response.decoded()[b"files"]

    assert files[HYBRID_V1][b"downloaded"] == 1
    assert files[HYBRID_V2][b"downloaded"] == 1
    assert files[HYBRID_V2][b"complete"] == 0


async def test_full_scrape_rejected(app):
    response = await asgi_get(app, "/scrape", b"")

    assert response.status == 200
    assert response.decoded() == {b"failure reason": messages.FULL_SCRAPE_REJECTED.encode()}


async def test_scrape_too_many_hashes(app):
    hashes = [number.to_bytes(20, "big") for number in range(75)]
    response = await asgi_get(app, "/scrape", scrape_query(*hashes))

    assert response.decoded()[b"failure reason"] == b"too many info_hash values: at most 74 per scrape"


async def test_scrape_max_hashes_accepted(app):
    hashes = [number.to_bytes(20, "big") for number in range(73)] + [HASH_A]
    response = await asgi_get(app, "/scrape", scrape_query(*hashes))

    assert list(response.decoded()[b"files"]) == [HASH_A]


async def test_scrape_invalid_hash(app):
    response = await asgi_get(app, "/scrape", scrape_query(b"short"))

    assert response.decoded()[b"failure reason"] == messages.INVALID_INFO_HASH.encode()


class RecordingApp:
    """Fallback ASGI app that records the scopes it receives."""

    def __init__(self) -> None:
        self.scopes = []

    async def __call__(self, scope, receive, send):
        self.scopes.append(scope)
        if scope["type"] == "lifespan":
            message = await receive()
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"site"})


@pytest.mark.parametrize("path", ["/", "/announce/", "/announcex", "/torrents/1", "/scrape/x"])
async def test_other_paths_go_to_fallback(tracker, path):
    site = RecordingApp()
    app = TrackerApp(tracker, site)
    response = await asgi_get(app, path)

    assert response.body == b"site"
    assert [scope["path"] for scope in site.scopes] == [path]


async def test_tracker_paths_skip_fallback(tracker):
    site = RecordingApp()
    app = TrackerApp(tracker, site)
    await asgi_get(app, "/announce", announce_query())
    await asgi_get(app, "/scrape", encode_query([("info_hash", HASH_A)]))

    assert site.scopes == []


async def test_custom_paths(tracker):
    app = TrackerApp(tracker, announce_path="/tr/announce", scrape_path="/tr/scrape")
    response = await asgi_get(app, "/tr/announce", announce_query())

    assert b"complete" in response.decoded()


async def test_unknown_path_without_fallback_is_404(app):
    response = await asgi_get(app, "/elsewhere")

    assert response.status == 404


class Lifecycle:
    def __init__(self, fail_start: bool = False) -> None:
        self.events = []
        self.fail_start = fail_start

    async def start(self):
        self.events.append("start")
        if self.fail_start:
            raise OSError("address already in use")

    async def stop(self):
        self.events.append("stop")


async def run_lifespan(app):
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message["type"])

    await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    return sent


async def test_lifespan_starts_and_stops_lifecycle(tracker):
    lifecycle = Lifecycle()
    site = RecordingApp()
    sent = await run_lifespan(TrackerApp(tracker, site, lifecycle=lifecycle))

    assert lifecycle.events == ["start", "stop"]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert site.scopes == []


async def test_lifespan_reports_start_failure(tracker):
    lifecycle = Lifecycle(fail_start=True)
    sent = await run_lifespan(TrackerApp(tracker, lifecycle=lifecycle))

    assert sent == ["lifespan.startup.failed"]


async def test_lifespan_forwarded_without_lifecycle(tracker):
    site = RecordingApp()
    sent = await run_lifespan(TrackerApp(tracker, site))

    assert [scope["type"] for scope in site.scopes] == ["lifespan"]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_lifespan_completed_without_fallback(app):
    sent = await run_lifespan(app)

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
