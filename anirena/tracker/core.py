"""Tracker logic shared by the HTTP and UDP front ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from anirena.tracker.completed import CompletedBuffer, CompletedSink
from anirena.tracker.config import TrackerConfig
from anirena.tracker.registry import TorrentRegistry
from anirena.tracker.store.base import AnnounceResult, PeerStore, SwarmCounts
from anirena.tracker.wire import messages


class TrackerError(Exception):
    """Rejected request. The message is a client-visible failure reason."""


class ScrapeEntry(NamedTuple):
    info_hash: bytes
    seeders: int
    downloaded: int
    leechers: int


class Tracker:
    """Registered-torrent check, numwant limits and completed counting around a peer store."""

    def __init__(
        self,
        config: TrackerConfig,
        registry: TorrentRegistry,
        store: PeerStore,
        sink: CompletedSink | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.store = store
        self.sink = sink
        self.completed = CompletedBuffer()
        self._lookup = registry.lookup
        self._persisted_downloaded = getattr(registry, "downloaded", None)
        self._numwant_default = config.numwant_default
        self._numwant_max = config.numwant_max
        self._store_announce = store.announce
        # Only stores that never suspend have a synchronous announce.
        self._store_announce_now = getattr(store, "announce_now", None)

    async def announce(
        self,
        info_hash: bytes,
        peer_id: bytes,
        packed_ip: bytes,
        port: int,
        seeder: bool,
        event: int,
        numwant: int,
        families: int,
        with_peer_ids: bool = False,
    ) -> tuple[AnnounceResult, int]:
        """Record an announce and return the store result with the torrent's downloaded count.

        A negative numwant means the configured default. Raises TrackerError
        for an unregistered info hash.
        """
        key, numwant = self._admit(info_hash, numwant)
        result = await self._store_announce(
            info_hash, key, peer_id, packed_ip + port.to_bytes(2, "big"), seeder, event, numwant, families,
            with_peer_ids,
        )
        self._count_completion(key, result)
        return result, self.downloaded(key)

    def announce_now(
        self,
        info_hash: bytes,
        peer_id: bytes,
        packed_ip: bytes,
        port: int,
        seeder: bool,
        event: int,
        numwant: int,
        families: int,
    ) -> AnnounceResult:
        """Run `announce` synchronously, for a store whose `runs_inline` is True, without the downloaded count.

        The UDP server calls this once per datagram, where a coroutine and its
        driver cost a noticeable share of the time.
        """
        key, numwant = self._admit(info_hash, numwant)
        result = self._store_announce_now(
            info_hash, key, peer_id, packed_ip + port.to_bytes(2, "big"), seeder, event, numwant, families
        )
        self._count_completion(key, result)
        return result

    def _count_completion(self, key: str, result: AnnounceResult) -> None:
        if result.new_completion:
            self.completed.add(key)

    def _admit(self, info_hash: bytes, numwant: int) -> tuple[str, int]:
        """Return the torrent key and the numwant to use; raise TrackerError for an unregistered hash."""
        key = self._lookup(info_hash)
        if key is None:
            raise TrackerError(messages.UNREGISTERED_TORRENT)
        if numwant < 0:
            numwant = self._numwant_default
        elif numwant > self._numwant_max:
            numwant = self._numwant_max
        return key, numwant

    async def scrape(self, info_hashes: Sequence[bytes]) -> list[ScrapeEntry | None]:
        """Return counts per info hash in request order, with None for unregistered hashes."""
        keys = [self._lookup(info_hash) for info_hash in info_hashes]
        registered = [info_hash for info_hash, key in zip(info_hashes, keys) if key is not None]
        counts = iter(await self.store.scrape(registered) if registered else ())
        entries: list[ScrapeEntry | None] = []
        for info_hash, key in zip(info_hashes, keys):
            if key is None:
                entries.append(None)
                continue
            seeders, leechers = next(counts)
            entries.append(ScrapeEntry(info_hash, seeders, self.downloaded(key), leechers))
        return entries

    async def counts_for_torrents(self, torrents: Sequence[tuple[str, Sequence[bytes]]]) -> dict[str, SwarmCounts]:
        """Return seeders and leechers per torrent key for a listing page (see PeerStore.counts_for_torrents)."""
        return await self.store.counts_for_torrents(torrents)

    def downloaded(self, key: str) -> int:
        """Return the completed count: the persisted count plus completions not yet flushed."""
        persisted = self._persisted_downloaded(key) if self._persisted_downloaded is not None else 0
        return persisted + self.completed.pending(key)

    async def flush_completed(self) -> dict[str, int]:
        """Pass buffered completions to the sink and return the increments that it stored."""
        if self.sink is None:
            return {}
        on_stored = getattr(self.registry, "add_downloaded", None)
        return await self.completed.flush(self.sink, on_stored)
