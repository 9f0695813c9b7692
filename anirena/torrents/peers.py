"""Live seeder and leecher counts for a page of torrents, read in one batch.

Listings, the detail panel, feeds and the API call `live_counts`. It asks the
tracker's peer store when one is configured; otherwise, and when the store is
unreachable, it falls back to the counts last copied into the torrent table.
"""

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)

# Set by the tracker app at start-up: a callable taking [(key, [hash20, ...]), ...]
# and returning {key: (seeders, leechers)}.
_batch_reader = None


def set_batch_reader(reader) -> None:
    global _batch_reader
    _batch_reader = reader


def live_counts(torrents: Iterable, *, stored_fallback: bool = True) -> dict:
    """Return ``{torrent.pk: (seeders, leechers)}`` for the given torrents.

    With ``stored_fallback=False`` a missing or unreachable store gives (0, 0)
    instead of the stored counts, as the API's torrent details document.
    """
    torrents = list(torrents)
    if stored_fallback:
        fallback = {torrent.pk: (torrent.seeders, torrent.leechers) for torrent in torrents}
    else:
        fallback = {torrent.pk: (0, 0) for torrent in torrents}
    if _batch_reader is None or not torrents:
        return fallback
    try:
        live = _batch_reader([(str(torrent.pk), swarm_hashes(torrent)) for torrent in torrents])
    except Exception as error:  # the store being down must not break a page
        logger.warning("peer store unreachable, showing stored counts: %s", error)
        return fallback
    return {torrent.pk: live.get(str(torrent.pk), (0, 0)) for torrent in torrents}


def swarm_hashes(torrent) -> list[bytes]:
    return hashes_from_hex(torrent.info_hash_v1, torrent.info_hash_v2)


def hashes_from_hex(info_hash_v1: str | None, info_hash_v2: str | None) -> list[bytes]:
    """Return the 20-byte hashes clients announce with: the v1 hash and the v2 hash truncated to 20 bytes."""
    hashes = []
    if info_hash_v1:
        hashes.append(bytes.fromhex(info_hash_v1))
    if info_hash_v2:
        hashes.append(bytes.fromhex(info_hash_v2)[:20])
    return hashes


def attach_live_counts(torrents: list) -> list:
    """Set `live_seeders` and `live_leechers` on each torrent of a page, for templates."""
    counts = live_counts(torrents)
    for torrent in torrents:
        torrent.live_seeders, torrent.live_leechers = counts[torrent.pk]
    return torrents
