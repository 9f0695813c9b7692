"""Magnet URIs and downloadable .torrent files, both with the site's trackers first."""

import re

from anirena.metainfo import build_magnet, rewrite_torrent
from anirena.torrents import trackers
from anirena.torrents.models import Torrent

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def magnet_uri(torrent: Torrent) -> str:
    tiers = trackers.tiers_with_site_first(torrent.tracker_tiers)
    urls = list(dict.fromkeys(url for tier in tiers for url in tier))
    fields = {"info_hash_v1": torrent.info_hash_v1, "info_hash_v2": torrent.info_hash_v2,
              "name": torrent.title, "total_size": torrent.size}
    return build_magnet(fields, urls)


def torrent_file_bytes(torrent: Torrent, metainfo: bytes) -> bytes:
    """Return the stored .torrent with the site's trackers as the first tier; the info hashes stay the same."""
    return rewrite_torrent(bytes(metainfo), first_tier=trackers.site_announce_urls())


def torrent_filename(torrent: Torrent) -> str:
    base = _UNSAFE_FILENAME.sub("_", torrent.title).strip(" .") or str(torrent.pk)
    return f"{base[:200]}.torrent"
