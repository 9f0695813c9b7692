"""Magnet links (BEP 9, with the BEP 52 ``btmh`` form for v2 info-hashes)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence
from urllib.parse import quote

__all__ = ["build_magnet"]

_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _field(source: Any, name: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def build_magnet(
    meta_or_fields: Any,
    trackers: Sequence[str],
    name: str | None = None,
) -> str:
    """Build a magnet URI.

    ``meta_or_fields`` is a :class:`~anirena.metainfo.Metainfo` or a mapping
    (or any object) with ``info_hash_v1`` / ``info_hash_v2`` (hex, either may
    be ``None`` but not both), ``name`` and ``total_size``. The link carries
    ``xt=urn:btih:<v1>`` for v1 and hybrid torrents, ``xt=urn:btmh:1220<v2>``
    (a SHA-256 multihash) for v2 and hybrid ones, ``dn`` (``name`` if given,
    else the torrent's name), ``xl`` (the content size) and one ``tr`` per
    tracker in the given order, duplicates and blanks removed. Every value is
    percent-encoded like ``urllib.parse.quote(value, safe='')``.
    """
    v1 = _field(meta_or_fields, "info_hash_v1")
    v2 = _field(meta_or_fields, "info_hash_v2")
    v1 = v1.lower() if isinstance(v1, str) else None
    v2 = v2.lower() if isinstance(v2, str) else None
    if v1 is not None and not _HEX40.match(v1):
        raise ValueError(f"info_hash_v1 must be 40 hex digits, got {v1!r}")
    if v2 is not None and not _HEX64.match(v2):
        raise ValueError(f"info_hash_v2 must be 64 hex digits, got {v2!r}")
    if v1 is None and v2 is None:
        raise ValueError("a magnet link needs at least one info-hash")
    if isinstance(trackers, str):
        raise TypeError("trackers must be a sequence of URLs, not a single string")

    parts: list[str] = []
    if v1 is not None:
        parts.append(f"xt=urn:btih:{v1}")
    if v2 is not None:
        parts.append(f"xt=urn:btmh:1220{v2}")
    display = name if name is not None else _field(meta_or_fields, "name")
    if display:
        parts.append("dn=" + quote(str(display), safe=""))
    size = _field(meta_or_fields, "total_size")
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        parts.append(f"xl={size}")
    seen: set[str] = set()
    for url in trackers:
        url = url.strip()
        if url and url not in seen:
            seen.add(url)
            parts.append("tr=" + quote(url, safe=""))
    return "magnet:?" + "&".join(parts)
