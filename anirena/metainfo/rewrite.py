"""Rewrite a torrent's outer dictionary while keeping its info bytes intact.

:func:`rewrite_torrent` changes trackers and the comment only. The ``info``
value is copied byte for byte from the input (spliced in as :class:`Raw`),
so both info-hashes stay the same even for non-canonical v1 files; the rest
of the outer dictionary is written canonically (keys sorted, duplicates
dropped, first occurrence kept).

:func:`set_private` changes the info dictionary itself, so the info-hashes
change: parse the result again to learn them.
"""

from __future__ import annotations

from typing import Sequence

from .bencode import Raw, decode, encode
from .torrent import Metainfo, parse_torrent

__all__ = ["rewrite_torrent", "set_private"]


def _clean(urls: Sequence[str]) -> list[str]:
    if isinstance(urls, str):
        raise TypeError("expected a sequence of URLs, not a single string")
    out: list[str] = []
    for url in urls:
        url = url.strip()
        if url and url not in out:
            out.append(url)
    return out


def rewrite_torrent(
    data: bytes,
    *,
    first_tier: Sequence[str] = (),
    announce: str | None = None,
    comment: str | None = None,
    extra_tiers: Sequence[Sequence[str]] | None = None,
) -> bytes:
    """Return ``data`` with new trackers / comment and the same info bytes.

    * ``first_tier`` becomes the first tier of ``announce-list``; its URLs are
      removed from the later tiers, and tiers left empty are dropped.
    * The later tiers are the torrent's own (as ``Metainfo.trackers`` reads
      them), or ``extra_tiers`` when given (``[]`` removes them).
    * ``announce`` is set to the ``announce`` argument, else to the first
      URL of the resulting list; with no tracker left both keys are removed.
    * ``comment`` replaces the comment (and drops ``comment.utf-8``); ``""``
      removes it; ``None`` keeps it.

    Raises :class:`MetainfoError` when ``data`` is not an acceptable torrent.
    """
    meta = parse_torrent(data)
    top = decode(_outer_without_info(meta))
    first = _clean(first_tier)
    rest = meta.trackers if extra_tiers is None else tuple(tuple(t) for t in extra_tiers)
    taken = set(first)
    tiers: list[list[str]] = [first] if first else []
    for tier in rest:
        kept = [url for url in _clean(tier) if url not in taken]
        taken.update(kept)
        if kept:
            tiers.append(kept)
    if tiers:
        top[b"announce-list"] = [[url.encode() for url in tier] for tier in tiers]
    else:
        top.pop(b"announce-list", None)
    main = announce.strip() if announce is not None else (tiers[0][0] if tiers else "")
    if main:
        top[b"announce"] = main.encode()
    else:
        top.pop(b"announce", None)
    if comment is not None:
        top.pop(b"comment.utf-8", None)
        if comment:
            top[b"comment"] = comment.encode()
        else:
            top.pop(b"comment", None)
    top[b"info"] = Raw(meta.info_bytes)
    return encode(top)


def _outer_without_info(meta: Metainfo) -> bytes:
    """The outer dictionary with the info value replaced by an empty dict.

    Decoding this is cheaper than decoding the whole file again and keeps the
    info value out of the re-encoding entirely.
    """
    start, end = meta.info_span
    return meta.raw[:start] + b"de" + meta.raw[end:].rstrip(b" \t\r\n")


def set_private(data: bytes, private: bool) -> bytes:
    """Set or clear the BEP 27 ``private`` flag in the info dictionary.

    This changes the info-hashes; parse the result to get the new ones. The
    info dictionary is re-encoded canonically. When the flag already has the
    wanted state the input is returned unchanged.
    """
    meta = parse_torrent(data)
    if meta.private == bool(private):
        return data
    info = decode(meta.info_bytes)
    if private:
        info[b"private"] = 1
    else:
        info.pop(b"private", None)
    top = decode(_outer_without_info(meta))
    top[b"info"] = Raw(encode(info))
    return encode(top)
