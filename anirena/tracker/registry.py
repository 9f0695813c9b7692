"""Registry of the torrents that the tracker serves.

The tracker serves only registered torrents. Each torrent has a key, a string
id chosen by the site, and one or more 20-byte tracker hashes. A v1 torrent
has its SHA-1 info hash, a v2 torrent its SHA-256 info hash truncated to 20
bytes, and a hybrid torrent both. `lookup` runs on every announce, so
implementations must return from memory without I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Protocol, runtime_checkable

from anirena.tracker.events import INFO_HASH_LENGTH

V2_INFO_HASH_LENGTH = 32


@runtime_checkable
class TorrentRegistry(Protocol):
    """Map from tracker hash to torrent key.

    An implementation may also provide `downloaded(key) -> int`, the persisted
    completed count, and `add_downloaded(increments)`, which the tracker calls
    after the sink stored a batch. Without them responses report only the
    completions that this process has not flushed yet.
    """

    def lookup(self, info_hash: bytes) -> str | None:
        """Return the torrent key of a 20-byte tracker hash, or None if it is not registered."""
        ...


class RegistryEntry(NamedTuple):
    key: str
    # v1 and/or v2 info hashes. A 32-byte v2 hash is truncated to 20 bytes.
    info_hashes: tuple[bytes, ...]
    downloaded: int = 0


def tracker_hash(info_hash: bytes) -> bytes:
    """Return the 20-byte hash that clients announce for a v1 or v2 info hash.

    BitTorrent v2 clients announce the SHA-256 info hash truncated to 20 bytes (BEP 52).
    """
    if len(info_hash) == INFO_HASH_LENGTH:
        return info_hash
    if len(info_hash) == V2_INFO_HASH_LENGTH:
        return info_hash[:INFO_HASH_LENGTH]
    raise ValueError(f"info hash must be 20 or 32 bytes, got {len(info_hash)}: {info_hash.hex()}")


class StaticRegistry:
    """In-memory registry that callers fill with `add` and empty with `remove`."""

    def __init__(self, entries: Iterable[RegistryEntry | tuple[str, Iterable[bytes]]] = ()) -> None:
        self._keys: dict[bytes, str] = {}
        self._downloaded: dict[str, int] = {}
        for entry in entries:
            self.add(*entry)

    def lookup(self, info_hash: bytes) -> str | None:
        return self._keys.get(info_hash)

    def downloaded(self, key: str) -> int:
        return self._downloaded.get(key, 0)

    def add(self, key: str, info_hashes: Iterable[bytes], downloaded: int = 0) -> None:
        """Register a torrent, for example right after an upload."""
        for info_hash in info_hashes:
            self._keys[tracker_hash(info_hash)] = key
        if downloaded or key not in self._downloaded:
            self._downloaded[key] = downloaded

    def remove(self, key: str) -> None:
        """Stop serving a torrent, for example when it is deleted. Its peers expire on their own."""
        self._keys = {info_hash: owner for info_hash, owner in self._keys.items() if owner != key}
        self._downloaded.pop(key, None)

    def add_downloaded(self, increments: Mapping[str, int]) -> None:
        """Add completed counts that the sink has just persisted."""
        for key, count in increments.items():
            if key in self._downloaded:
                self._downloaded[key] += count

    def __len__(self) -> int:
        return len(self._downloaded)


class RefreshableRegistry(StaticRegistry):
    """Registry that reloads all entries from a loader, such as a database query.

    `refresh` may run in a worker thread while the event loop serves lookups:
    it builds new maps and swaps them in with plain assignments. Torrents that
    `add` registers while a refresh runs are kept, since the loader may have
    read the database before they were committed.
    """

    def __init__(self, loader: Callable[[], Iterable[RegistryEntry]]) -> None:
        super().__init__()
        self._loader = loader
        self._added_during_refresh: dict[str, tuple[tuple[bytes, ...], int]] | None = None

    def add(self, key: str, info_hashes: Iterable[bytes], downloaded: int = 0) -> None:
        info_hashes = tuple(info_hashes)
        super().add(key, info_hashes, downloaded)
        added = self._added_during_refresh
        if added is not None:
            added[key] = (info_hashes, downloaded)

    def refresh(self) -> int:
        """Replace all entries with those of the loader and return the number of torrents."""
        self._added_during_refresh = {}
        try:
            keys: dict[bytes, str] = {}
            downloaded: dict[str, int] = {}
            for key, info_hashes, count in self._loader():
                for info_hash in info_hashes:
                    keys[tracker_hash(info_hash)] = key
                downloaded[key] = count
            self._keys = keys
            self._downloaded = downloaded
            # Re-applying after the swap keeps adds that raced with it.
            for key, (info_hashes, count) in list(self._added_during_refresh.items()):
                StaticRegistry.add(self, key, info_hashes, count)
        finally:
            self._added_during_refresh = None
        return len(self._downloaded)
