"""Interface of the peer stores that hold the swarms.

A swarm is the set of peers of one 20-byte info hash. Peers are identified by
their compact address (packed IP and big-endian port: 6 bytes for IPv4, 18
for IPv6), so one client that announces twice is one peer. A peer with port 0
does not accept connections: it is counted but never returned to others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable


class AnnounceResult(NamedTuple):
    # Concatenated compact addresses of the returned IPv4 and IPv6 peers.
    peers4: bytes
    peers6: bytes
    # Counts of the swarm of this info hash after the announce.
    seeders: int
    leechers: int
    # True when this announce was the first `completed` event of this peer
    # (peer id or ip:port) for the torrent key.
    new_completion: bool
    # Peer id of each returned address; None unless the caller requested them.
    peer_ids: dict[bytes, bytes] | None


class SwarmCounts(NamedTuple):
    seeders: int
    leechers: int


@runtime_checkable
class PeerStore(Protocol):
    """Storage of swarms shared by the HTTP and UDP front ends.

    `runs_inline` is True when no coroutine method ever suspends, so a caller
    may drive one to completion without a task (the UDP server does this).
    """

    runs_inline: bool

    async def announce(
        self,
        info_hash: bytes,
        torrent_key: str,
        peer_id: bytes,
        address: bytes,
        seeder: bool,
        event: int,
        numwant: int,
        families: int,
        with_peer_ids: bool = False,
    ) -> AnnounceResult:
        """Add, refresh or (on `stopped`) remove a peer and sample others for it.

        Returns at most `numwant` peers in total, from the address families
        in `families` (shared in proportion to their sizes), never the peer
        itself and never a peer with port 0. A seeder gets only leechers.
        On `stopped` no peers are returned.
        """
        ...

    async def scrape(self, info_hashes: Sequence[bytes]) -> list[SwarmCounts]:
        """Return the counts of each swarm, in the order of `info_hashes`."""
        ...

    async def counts_for_torrents(
        self, torrents: Sequence[tuple[str, Sequence[bytes]]]
    ) -> dict[str, SwarmCounts]:
        """Return merged counts per torrent key for a page of torrents, in one batch.

        The swarms of a hybrid torrent are merged without counting one
        ip:port twice. A peer that seeds in any of them counts as a seeder.
        """
        ...

    async def remove(self, info_hash: bytes, address: bytes) -> None:
        ...

    async def prune(self) -> int:
        """Remove expired peers and return how many were removed."""
        ...

    async def healthy(self) -> bool:
        ...

    async def close(self) -> None:
        ...
