"""Bencoded bodies of HTTP announce, scrape and failure responses.

The announce body is built with one bytes formatting operation from fragments
prepared at start-up, because it is produced once per announce. Dictionary
keys appear in sorted order, as bencoding requires.
"""

from __future__ import annotations

from collections.abc import Iterable

from anirena.tracker.wire.addresses import split_compact
from anirena.tracker.wire.bencode import bencode

_ANNOUNCE_COMPACT = b"d8:completei%de10:downloadedi%de10:incompletei%de%b5:peers%d:%b%be"
_ANNOUNCE_LIST = b"d8:completei%de10:downloadedi%de10:incompletei%de%b5:peersl%bee"
_PEERS6 = b"6:peers6%d:%b"


class AnnounceEncoder:
    """Encoder of announce bodies for one interval and min interval."""

    __slots__ = ("_intervals",)

    def __init__(self, interval: int, min_interval: int) -> None:
        self._intervals = b"8:intervali%de12:min intervali%de" % (interval, min_interval)

    def compact(self, seeders: int, leechers: int, downloaded: int, peers4: bytes, peers6: bytes) -> bytes:
        """Encode a BEP 23 compact body. `peers6` (BEP 7) is left out when empty."""
        peers6_part = _PEERS6 % (len(peers6), peers6) if peers6 else b""
        return _ANNOUNCE_COMPACT % (
            seeders,
            downloaded,
            leechers,
            self._intervals,
            len(peers4),
            peers4,
            peers6_part,
        )

    def dictionaries(
        self,
        seeders: int,
        leechers: int,
        downloaded: int,
        addresses: Iterable[bytes],
        peer_ids: dict[bytes, bytes] | None,
    ) -> bytes:
        """Encode a BEP 3 body whose peers are dictionaries.

        IPv4 and IPv6 peers share the one list. Each entry has `ip` and `port`,
        plus `peer id` when `peer_ids` is given.
        """
        entries = []
        for address in addresses:
            ip, port = split_compact(address)
            entry: dict[str, bytes | str | int] = {"ip": ip, "port": port}
            if peer_ids is not None:
                entry["peer id"] = peer_ids[address]
            entries.append(bencode(entry))
        return _ANNOUNCE_LIST % (seeders, downloaded, leechers, self._intervals, b"".join(entries))


def failure_body(reason: str) -> bytes:
    """Encode a `failure reason` response, which clients show to the user."""
    encoded = reason.encode()
    return b"d14:failure reason%d:%be" % (len(encoded), encoded)


def scrape_body(files: Iterable[tuple[bytes, int, int, int]]) -> bytes:
    """Encode a scrape body from (info hash, seeders, downloaded, leechers) tuples.

    A hash that appears twice is encoded once, since dictionary keys are unique.
    """
    unique = {info_hash: (seeders, downloaded, leechers) for info_hash, seeders, downloaded, leechers in files}
    parts = [b"d5:filesd"]
    for info_hash in sorted(unique):
        seeders, downloaded, leechers = unique[info_hash]
        parts.append(
            b"20:%bd8:completei%de10:downloadedi%de10:incompletei%dee"
            % (info_hash, seeders, downloaded, leechers)
        )
    parts.append(b"ee")
    return b"".join(parts)
