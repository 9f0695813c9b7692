"""The tracker inside a site process: built from settings, started with the server.

`install()` runs when Django starts. When the tracker is enabled it puts the
tracker's ASGI app in front of the site (it answers /announce and /scrape on
the site's port) and registers a service that binds the UDP port, keeps the
registry current and copies live counts into the torrent table.
"""

import asyncio
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.db import transaction

from anirena.core import health, services
from anirena.torrents import peers
from anirena.torrents.services import upload
from anirena.tracker import Tracker, TrackerApp, TrackerConfig, TrackerService, make_store, sync_counts_reader
from anirena.tracker.inline import run_inline
from anirena.tracking.registry import build_registry, entry_for
from anirena.tracking.sink import DatabaseCompletedSink

logger = logging.getLogger(__name__)

_tracker: Tracker | None = None
# The event loop that serves the tracker; synchronous code reaches the Redis store through it.
_serving_loop: asyncio.AbstractEventLoop | None = None


def tracker_config(*, udp_host: str | None = None, udp_port: int | None = None) -> TrackerConfig:
    # One UDP connection-id key per site, derived from the site secret, so every process agrees.
    secret = hmac.new(settings.SECRET_KEY.encode(), b"anirena.tracker.udp-connection-id", hashlib.sha256).digest()
    return TrackerConfig(
        interval=settings.TRACKER_INTERVAL,
        min_interval=settings.TRACKER_MIN_INTERVAL,
        peer_ttl=settings.TRACKER_PEER_TTL,
        numwant_default=settings.TRACKER_NUMWANT_DEFAULT,
        numwant_max=settings.TRACKER_NUMWANT_MAX,
        trust_ip_param=settings.TRACKER_TRUST_IP_PARAM,
        trust_forwarded_for=settings.USE_X_FORWARDED_HOST,
        udp_host=udp_host or settings.TRACKER_UDP_HOST,
        udp_port=settings.UDP_TRACKER_PORT if udp_port is None else udp_port,
        secret=secret,
        redis_url=settings.REDIS_URL if settings.TRACKER_STORE == "redis" else None,
        redis_prefix=f"{settings.REDIS_PREFIX}:tracker:",
        completed_flush_interval=settings.TRACKER_COMPLETED_FLUSH_SECONDS,
    )


def get_tracker() -> Tracker:
    """Return this process's tracker, creating it (not yet serving) on first use."""
    global _tracker
    if _tracker is None:
        _tracker = Tracker(tracker_config(), build_registry(), make_store(tracker_config()), DatabaseCompletedSink())
    return _tracker


class SiteTrackerService:
    """Runs the tracker's UDP server and tick loop, plus the site's periodic work around it."""

    def __init__(self, tracker: Tracker, *, udp_port: int | None, http_host: str | None = None,
                 http_port: int | None = None):
        self.tracker = tracker
        # With Redis, several processes may bind the same ports; they share the connection-id key.
        self.inner = TrackerService(tracker, udp_host=tracker.config.udp_host, udp_port=udp_port, http_host=http_host,
                                    http_port=http_port, reuse_port=bool(settings.REDIS_URL))
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        global _serving_loop
        _serving_loop = asyncio.get_running_loop()
        count = await asyncio.to_thread(self.tracker.registry.refresh)
        logger.info("tracker registry loaded %d torrents", count)
        peers.set_batch_reader(sync_counts_reader(self.tracker, asyncio.get_running_loop()))
        await self.inner.start()
        self._task = asyncio.get_running_loop().create_task(self._site_loop(), name="tracker-site-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        global _serving_loop
        peers.set_batch_reader(None)
        await self.inner.stop()
        _serving_loop = None

    async def _site_loop(self) -> None:
        from anirena.tracking.counts import copy_live_counts

        next_refresh = next_poll = time.monotonic() + 1.0
        # After a start the store is empty until every peer has announced again, which takes one
        # announce interval; copying earlier would mark every torrent dead in the database.
        next_copy = time.monotonic() + settings.TRACKER_INTERVAL
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            if now >= next_poll:
                next_poll = now + settings.TRACKER_REGISTRY_POLL_SECONDS
                await self._guarded(asyncio.to_thread(self.tracker.registry.poll), "registry poll")
            if now >= next_refresh:
                next_refresh = now + settings.TRACKER_REGISTRY_REFRESH_SECONDS
                await self._guarded(asyncio.to_thread(self.tracker.registry.refresh), "registry refresh")
            if now >= next_copy:
                next_copy = now + settings.TRACKER_COUNTS_COPY_SECONDS
                await self._guarded(copy_live_counts(self.tracker), "copying live counts")

    @staticmethod
    async def _guarded(work, what: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("%s failed; retrying at the next tick", what)


def _register_upload(torrent, prepared) -> None:
    tracker = _tracker
    if tracker is None:
        return
    entry = entry_for(torrent)
    transaction.on_commit(lambda: tracker.registry.add(entry.key, entry.info_hashes, entry.downloaded))


def _service_factory():
    if not settings.TRACKER_ENABLED or not settings.TRACKER_IN_PROCESS:
        return None
    return SiteTrackerService(get_tracker(), udp_port=settings.UDP_TRACKER_PORT)


def _http_wrapper(site_app):
    if not settings.TRACKER_ENABLED or not settings.TRACKER_IN_PROCESS:
        return site_app
    return TrackerApp(get_tracker(), site_app)


def _check_peer_store() -> dict:
    tracker, loop = _tracker, _serving_loop
    if tracker is None or loop is None:
        return {"ok": True, "kind": settings.TRACKER_STORE, "serving": False}
    try:
        if tracker.store.runs_inline:
            healthy = run_inline(tracker.store.healthy())
        else:
            healthy = asyncio.run_coroutine_threadsafe(tracker.store.healthy(), loop).result(2.0)
    except Exception as error:  # an unreachable store is exactly what this check reports
        return {"ok": False, "kind": settings.TRACKER_STORE, "serving": True, "error": str(error)}
    return {"ok": bool(healthy), "kind": settings.TRACKER_STORE, "serving": True}


def install() -> None:
    upload.register_after_store(_register_upload)
    services.register(_service_factory)
    services.register_http_wrapper(_http_wrapper)
    health.register("peer_store", _check_peer_store)
