"""Decoding of scrape responses from external trackers, which may bend the rules.

Unlike the strict decoder in anirena.tracker.wire.bencode, this one accepts
dictionary keys out of order, repeated keys (the last wins), integers with
leading zeros and trailing whitespace, all of which deployed trackers send.
It still rejects truncated data and nesting deeper than MAX_DEPTH.
"""

from __future__ import annotations

import struct
from collections.abc import Collection
from typing import Any

MAX_DEPTH = 32

# Seeders and leechers of one info hash, as one tracker reported them.
Counts = tuple[int, int]

UDP_ACTION_SCRAPE = 2
UDP_ACTION_ERROR = 3
_UDP_HEAD = struct.Struct("!I4s")
_UDP_ENTRY = struct.Struct("!III")


class ScrapeFailure(Exception):
    """A tracker sent no usable scrape response. The message gives the reason."""


def decode_bencode(data: bytes) -> Any:
    """Decode one bencoded value, tolerating the deviations listed in the module docstring."""
    value, end = _decode_at(data, 0, 0)
    if data[end:].strip():
        raise ValueError(f"trailing data at offset {end}")
    return value


def parse_http_scrape(body: bytes, requested: Collection[bytes]) -> dict[bytes, Counts]:
    """Return (seeders, leechers) for the requested info hashes found in a BEP 48 scrape body.

    Hashes missing from the `files` dictionary are left out, because the
    tracker reported nothing for them. Raises ScrapeFailure for a `failure
    reason` or a body that is not a scrape response.
    """
    try:
        decoded = decode_bencode(body)
    except (ValueError, IndexError) as error:
        raise ScrapeFailure(f"invalid bencoded scrape response: {error}") from None
    if not isinstance(decoded, dict):
        raise ScrapeFailure("scrape response is not a dictionary")
    reason = decoded.get(b"failure reason")
    if reason is not None:
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else repr(reason)
        raise ScrapeFailure(f"tracker failure reason: {text[:200]}")
    files = decoded.get(b"files")
    if not isinstance(files, dict):
        raise ScrapeFailure("scrape response has no files dictionary")

    counts = {}
    for key, stats in files.items():
        info_hash = key if len(key) == 20 else _repair_utf8_key(key)
        if info_hash in requested and isinstance(stats, dict):
            counts[info_hash] = (_count(stats.get(b"complete")), _count(stats.get(b"incomplete")))
    return counts


def _repair_utf8_key(key: bytes) -> bytes | None:
    """Return the 20-byte hash of a key that was sent UTF-8 encoded, or None.

    The npm bittorrent-tracker server (checked with 11.2.3) stores hashes as
    strings of byte values and encodes each byte of 0x80 and above as two
    bytes of UTF-8, so its keys are 20 to 40 bytes long.
    """
    if not 20 < len(key) <= 40:
        return None
    try:
        repaired = key.decode("utf-8").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return repaired if len(repaired) == 20 else None


def parse_udp_scrape(response: bytes, requested: list[bytes]) -> dict[bytes, Counts]:
    """Return (seeders, leechers) per requested hash from a BEP 15 scrape response.

    The entries follow the order of the request. A response with fewer
    entries than requested gives counts for the first hashes only. Raises
    ScrapeFailure for an error response or one that is not a scrape response.
    """
    if len(response) < _UDP_HEAD.size:
        raise ScrapeFailure(f"UDP response of {len(response)} bytes is too short")
    action, _ = _UDP_HEAD.unpack_from(response)
    if action == UDP_ACTION_ERROR:
        message = response[_UDP_HEAD.size :].decode("utf-8", "replace")
        raise ScrapeFailure(f"tracker error: {message[:200]}")
    if action != UDP_ACTION_SCRAPE:
        raise ScrapeFailure(f"UDP response has action {action}, expected {UDP_ACTION_SCRAPE} (scrape)")
    available = (len(response) - _UDP_HEAD.size) // _UDP_ENTRY.size
    counts = {}
    for index, info_hash in enumerate(requested[:available]):
        seeders, _completed, leechers = _UDP_ENTRY.unpack_from(response, _UDP_HEAD.size + index * _UDP_ENTRY.size)
        counts[info_hash] = (seeders, leechers)
    return counts


def _count(value: Any) -> int:
    # Missing or negative counts read as zero rather than failing the whole response.
    return value if isinstance(value, int) and value > 0 else 0


def _decode_at(data: bytes, pos: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise ValueError(f"nesting deeper than {MAX_DEPTH} levels")
    lead = data[pos : pos + 1]
    if lead == b"i":
        end = data.index(b"e", pos)
        return int(data[pos + 1 : end]), end + 1
    if lead == b"l":
        items = []
        pos += 1
        while data[pos : pos + 1] != b"e":
            if pos >= len(data):
                raise ValueError("unterminated list")
            item, pos = _decode_at(data, pos, depth + 1)
            items.append(item)
        return items, pos + 1
    if lead == b"d":
        result = {}
        pos += 1
        while data[pos : pos + 1] != b"e":
            if pos >= len(data):
                raise ValueError("unterminated dictionary")
            key, pos = _decode_at(data, pos, depth + 1)
            if not isinstance(key, bytes):
                raise ValueError(f"dictionary key is not a string at offset {pos}")
            result[key], pos = _decode_at(data, pos, depth + 1)
        return result, pos + 1
    if lead.isdigit():
        colon = data.index(b":", pos)
        length = int(data[pos:colon])
        end = colon + 1 + length
        if length < 0 or end > len(data):
            raise ValueError(f"string at offset {pos} runs past the end of the data")
        return data[colon + 1 : end], end
    raise ValueError(f"unexpected byte {lead!r} at offset {pos}")
