"""Running the tracker: UDP server, periodic tasks, and a standalone HTTP + UDP mode.

Inside the site's uvicorn process, create a TrackerService and start and
stop it from the ASGI lifespan (TrackerApp does this when given the service
as `lifecycle`). `run_standalone` runs the tracker alone with uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Sequence

from anirena.tracker.completed import CompletedSink
from anirena.tracker.config import REDIS_URL_ENV, TrackerConfig, TrackerConfigError
from anirena.tracker.connection_ids import ConnectionIdSigner
from anirena.tracker.core import Tracker
from anirena.tracker.http import ASGIApp, TrackerApp
from anirena.tracker.http_handler import TrackerRequestHandler
from anirena.tracker.http_server import TrackerHttpServer
from anirena.tracker.inline import run_inline
from anirena.tracker.registry import TorrentRegistry
from anirena.tracker.store.base import PeerStore, SwarmCounts
from anirena.tracker.store.memory import MemoryPeerStore
from anirena.tracker.udp import UdpTrackerProtocol

logger = logging.getLogger(__name__)


def check_store_for_workers(store_kind: str, workers: int) -> None:
    """Raise TrackerConfigError when `workers` processes would each get their own memory store.

    Each process would then track a separate copy of every swarm, so peers
    would see only the part of a swarm that reached their process.
    """
    if store_kind not in ("memory", "redis"):
        raise TrackerConfigError(f"unknown peer store {store_kind!r}: expected 'memory' or 'redis'")
    if store_kind == "memory" and workers > 1:
        raise TrackerConfigError(
            f"The in-memory peer store cannot be shared by {workers} worker processes. "
            f"Set {REDIS_URL_ENV} to use the Redis peer store, or run a single worker."
        )


def make_store(config: TrackerConfig, *, clock: Callable[[], float] | None = None) -> PeerStore:
    """Create the Redis store when `config.redis_url` is set, else the memory store."""
    if config.redis_url:
        from anirena.tracker.store.redis import RedisPeerStore

        return RedisPeerStore.from_url(
            config.redis_url,
            config.effective_peer_ttl,
            config.completed_dedupe_ttl,
            prefix=config.redis_prefix,
            clock=clock or time.time,
        )
    return MemoryPeerStore(
        config.effective_peer_ttl,
        config.completed_dedupe_ttl,
        clock=clock or time.monotonic,
    )


def sync_counts_reader(
    tracker: Tracker,
    loop: asyncio.AbstractEventLoop | None = None,
    timeout: float = 2.0,
) -> Callable[[Sequence[tuple[str, Sequence[bytes]]]], dict[str, SwarmCounts]]:
    """Return a blocking `counts_for_torrents` for synchronous code such as Django views.

    The memory store is read directly in the calling thread. Other stores run
    on `loop`, the event loop that serves the tracker, and the reader waits up
    to `timeout` seconds for the result (TimeoutError after that). Calling the
    reader from inside `loop` would deadlock, so it raises RuntimeError there.
    """
    store = tracker.store
    if not store.runs_inline and loop is None:
        raise ValueError(f"{type(store).__name__} needs the event loop that serves the tracker")

    def read(torrents: Sequence[tuple[str, Sequence[bytes]]]) -> dict[str, SwarmCounts]:
        if store.runs_inline:
            return run_inline(store.counts_for_torrents(torrents))
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("inside the tracker's event loop, await tracker.counts_for_torrents() instead")
        future = asyncio.run_coroutine_threadsafe(store.counts_for_torrents(torrents), loop)
        return future.result(timeout)

    return read


class TrackerService:
    """UDP server, optional built-in HTTP server, and one tick loop for periodic work.

    The tick loop prunes expired peers, flushes completed counts and closes
    idle HTTP connections. `udp_port` None disables UDP, and `http_port`
    None (the default) disables the built-in HTTP server; port 0 picks a
    free port (see `udp_address` and `http_address`). Set `reuse_port` when
    several processes bind the same ports, and give them the same
    `config.secret` so that their UDP connection ids match.
    """

    def __init__(
        self,
        tracker: Tracker,
        *,
        udp_host: str,
        udp_port: int | None,
        http_host: str | None = None,
        http_port: int | None = None,
        reuse_port: bool = False,
        tick_seconds: float = 1.0,
        close_store: bool = True,
    ) -> None:
        self.tracker = tracker
        self._udp_host = udp_host
        self._udp_port = udp_port
        self._reuse_port = reuse_port
        self._tick_seconds = tick_seconds
        self._close_store = close_store
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: UdpTrackerProtocol | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._http_host = http_host or udp_host
        self._http_port = http_port
        self._http_server: TrackerHttpServer | None = None

    @classmethod
    def from_config(cls, tracker: Tracker, **kwargs) -> TrackerService:
        """Create a service that binds UDP to `config.udp_host` and `config.udp_port`."""
        config = tracker.config
        return cls(tracker, udp_host=config.udp_host, udp_port=config.udp_port, **kwargs)

    @property
    def udp_address(self) -> tuple[str, int] | None:
        """Return the bound UDP (host, port), or None when UDP is off or not started."""
        if self._transport is None:
            return None
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    @property
    def http_address(self) -> tuple[str, int] | None:
        """Return the bound (host, port) of the built-in HTTP server, or None when it is off."""
        return self._http_server.address if self._http_server is not None else None

    async def start(self) -> None:
        """Bind the UDP socket (if enabled) and start the tick loop."""
        if self._tick_task is not None:
            raise RuntimeError("TrackerService is already running")
        config = self.tracker.config
        if self._udp_port is not None:
            if not config.secret_bytes:
                logger.info("UDP connection ids use a random key for this process because no secret is set")
            signer = ConnectionIdSigner(config.secret_bytes)
            loop = asyncio.get_running_loop()
            self._transport, self._protocol = await loop.create_datagram_endpoint(
                lambda: UdpTrackerProtocol(self.tracker, signer),
                local_addr=(self._udp_host, self._udp_port),
                reuse_port=self._reuse_port or None,
            )
            host, port = self.udp_address or ("?", 0)
            logger.info("Tracker UDP server listening on %s port %d", host, port)
        if self._http_port is not None:
            self._http_server = TrackerHttpServer(TrackerRequestHandler(self.tracker))
            await self._http_server.start(self._http_host, self._http_port, reuse_port=self._reuse_port)
            host, port = self.http_address or ("?", 0)
            logger.info("Tracker HTTP server listening on %s port %d", host, port)
        self._tick_task = asyncio.get_running_loop().create_task(self._tick_loop(), name="tracker-tick")
        logger.info("Tracker started with the %s peer store", type(self.tracker.store).__name__)

    async def stop(self, timeout: float = 8.0) -> None:
        """Stop the UDP server and the tick loop, then flush completed counts.

        Waits up to `timeout` seconds for in-flight UDP requests and for the
        final flush. Increments that could not be flushed are logged as lost.
        """
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
            self._tick_task = None
        if self._http_server is not None:
            await self._http_server.close()
            self._http_server = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._protocol is not None:
            await self._protocol.drain(timeout / 2)
            self._protocol = None
        await self._final_flush(timeout / 2)
        if self._close_store:
            await self.tracker.store.close()
        logger.info("Tracker stopped")

    async def run_periodic_tasks(self) -> None:
        """Prune expired peers and flush completed counts once, now."""
        await self._prune()
        await self.tracker.flush_completed()

    async def _tick_loop(self) -> None:
        config = self.tracker.config
        loop = asyncio.get_running_loop()
        next_prune = loop.time() + config.prune_interval
        next_flush = loop.time() + config.completed_flush_interval
        while True:
            await asyncio.sleep(self._tick_seconds)
            now = loop.time()
            if self._http_server is not None:
                self._http_server.close_idle()
            if now >= next_prune:
                next_prune = now + config.prune_interval
                await self._prune()
            if now >= next_flush:
                next_flush = now + config.completed_flush_interval
                await self.tracker.flush_completed()

    async def _prune(self) -> None:
        try:
            removed = await self.tracker.store.prune()
        except Exception:
            logger.exception("Pruning expired peers failed")
            return
        if removed:
            logger.debug("Pruned %d expired peers", removed)

    async def _final_flush(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.tracker.flush_completed(), timeout)
        except TimeoutError:
            logger.error("Final flush of completed counts timed out after %.1f s", timeout)
        lost = self.tracker.completed.total_pending()
        if lost and self.tracker.sink is not None:
            logger.error("Lost %d completed increments that the sink did not store before shutdown", lost)


def build_standalone_app(
    config: TrackerConfig,
    registry: TorrentRegistry,
    sink: CompletedSink | None = None,
    *,
    host: str = "127.0.0.1",
    udp_port: int | None = None,
    fallback: ASGIApp | None = None,
) -> TrackerApp:
    """Return a TrackerApp whose lifespan starts the tracker service with its UDP server."""
    check_store_for_workers(config.store_kind, 1)
    tracker = Tracker(config, registry, make_store(config), sink)
    service = TrackerService(tracker, udp_host=host, udp_port=udp_port)
    return TrackerApp(tracker, fallback, lifecycle=service)


def build_uvicorn_server(app: ASGIApp, host: str, http_port: int, *, log_level: str = "info"):
    """Return a uvicorn.Server tuned for the tracker: no access log, no proxy header rewriting.

    uvicorn's own X-Forwarded-For handling is off because TrackerConfig
    decides whether to trust that header.
    """
    import uvicorn

    from anirena.tracker.http_protocol import RawTargetHttpToolsProtocol

    uvicorn_config = uvicorn.Config(
        app,
        http=RawTargetHttpToolsProtocol,
        host=host,
        port=http_port,
        lifespan="on",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        date_header=False,
        log_level=log_level,
    )
    return uvicorn.Server(uvicorn_config)


def run_standalone(
    config: TrackerConfig,
    registry: TorrentRegistry,
    sink: CompletedSink | None,
    host: str,
    http_port: int,
    udp_port: int | None,
    *,
    http_server: str = "uvicorn",
    log_level: str = "info",
) -> None:
    """Serve HTTP announce and scrape on `http_port` and UDP on `udp_port` until SIGINT or SIGTERM.

    `http_server` is "uvicorn" (the ASGI app) or "builtin" (TrackerHttpServer,
    which is faster, see anirena.tracker.http_server).
    """
    if http_server == "uvicorn":
        app = build_standalone_app(config, registry, sink, host=host, udp_port=udp_port)
        build_uvicorn_server(app, host, http_port, log_level=log_level).run()
        return
    if http_server != "builtin":
        raise TrackerConfigError(f"unknown HTTP server {http_server!r}: expected 'uvicorn' or 'builtin'")
    check_store_for_workers(config.store_kind, 1)
    _run_event_loop(_serve_builtin(config, registry, sink, host, http_port, udp_port))


async def _serve_builtin(
    config: TrackerConfig,
    registry: TorrentRegistry,
    sink: CompletedSink | None,
    host: str,
    http_port: int,
    udp_port: int | None,
) -> None:
    tracker = Tracker(config, registry, make_store(config), sink)
    service = TrackerService(tracker, udp_host=host, udp_port=udp_port, http_host=host, http_port=http_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    await service.start()
    try:
        await stop.wait()
    finally:
        await service.stop()


def _run_event_loop(main) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)
