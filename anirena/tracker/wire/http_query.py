"""Parsing of HTTP announce and scrape query strings into raw bytes.

The query string is split and percent-decoded as bytes and never goes through
str, because `info_hash` and `peer_id` are arbitrary binary values: every byte
value must come back exactly, whether the client percent-encoded it or sent it
raw. A raw `&` or `%` is indistinguishable from query syntax, so clients must
encode those two. Clients encode at least every byte outside the URL
unreserved set.
`+` is kept as a literal byte rather than read as a space, because BitTorrent
clients do not use form encoding.

uvicorn's HTTP parsers (httptools and h11) answer 400 to a request line with
raw control bytes, spaces or bytes >= 0x80 before this code runs. The site and
`anirena tracker` therefore serve uvicorn through
anirena.tracker.http_protocol, which percent-encodes those bytes first.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple
from urllib.parse import unquote_to_bytes

from anirena.tracker.events import (
    EVENT_COMPLETED,
    EVENT_NONE,
    EVENT_STARTED,
    EVENT_STOPPED,
    INFO_HASH_LENGTH,
    PEER_ID_LENGTH,
)
from anirena.tracker.wire import messages

# Unknown events, such as the BEP 21 `paused` event of partial seeds, count as
# regular announces.
_EVENTS = {
    b"": EVENT_NONE,
    b"empty": EVENT_NONE,
    b"started": EVENT_STARTED,
    b"stopped": EVENT_STOPPED,
    b"completed": EVENT_COMPLETED,
}

# Any numwant with more digits than this is clamped to the configured maximum.
_MAX_NUMWANT_DIGITS = 9
_HUGE_NUMWANT = 10**_MAX_NUMWANT_DIGITS


_escape_decode = getattr(codecs, "escape_decode", None)


def percent_decode(value: bytes) -> bytes:
    """Percent-decode bytes exactly as urllib.parse.unquote_to_bytes does, but faster.

    For a fully encoded 20-byte value this took 0.95 µs against 7.5 µs for
    unquote_to_bytes (CPython 3.11, timeit on the 2-core development machine).

    `%XX` becomes `\\xXX` for the C escape decoder after existing backslashes
    are doubled. Any `%` not followed by two hex digits makes the decoder
    raise, and then unquote_to_bytes handles the value, keeping such `%` literal.
    codecs.escape_decode is undocumented CPython API, hence the fallback.
    """
    if b"%" not in value:
        return value
    if _escape_decode is not None:
        try:
            return _escape_decode(value.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
        except ValueError:
            pass
    return unquote_to_bytes(value)


class QueryError(ValueError):
    """Invalid announce or scrape query. The message is a client-visible failure reason."""


class AnnounceQuery(NamedTuple):
    info_hash: bytes
    peer_id: bytes
    port: int
    seeder: bool
    event: int
    # -1 when the client sent no usable numwant, so the configured default applies.
    numwant: int
    compact: bool
    no_peer_id: bool
    # Percent-decoded `ip` parameter, used only when the tracker trusts it.
    ip: bytes | None


def parse_announce_query(query_string: bytes) -> AnnounceQuery:
    """Parse an announce query string, or raise QueryError with the failure reason."""
    info_hash = peer_id = port_text = left_text = ip = None
    event = EVENT_NONE
    numwant = -1
    compact = True
    no_peer_id = False

    # The first occurrence of a repeated parameter wins.
    for part in query_string.split(b"&"):
        name, _, value = part.partition(b"=")
        if name == b"info_hash":
            if info_hash is None:
                info_hash = percent_decode(value)
        elif name == b"peer_id":
            if peer_id is None:
                peer_id = percent_decode(value)
        elif name == b"port":
            if port_text is None:
                port_text = value
        elif name == b"left":
            if left_text is None:
                left_text = value
        elif name == b"event":
            event = _EVENTS.get(value, EVENT_NONE)
        elif name == b"numwant":
            numwant = parse_numwant(value)
        elif name == b"compact":
            compact = value != b"0"
        elif name == b"no_peer_id":
            no_peer_id = value not in (b"", b"0")
        elif name == b"ip":
            ip = percent_decode(value)

    if info_hash is None:
        raise QueryError(messages.MISSING_INFO_HASH)
    if len(info_hash) != INFO_HASH_LENGTH:
        raise QueryError(messages.INVALID_INFO_HASH)
    if peer_id is None:
        raise QueryError(messages.MISSING_PEER_ID)
    if len(peer_id) != PEER_ID_LENGTH:
        raise QueryError(messages.INVALID_PEER_ID)
    return AnnounceQuery(
        info_hash,
        peer_id,
        _parse_port(port_text),
        _parse_seeder(left_text),
        event,
        numwant,
        compact,
        no_peer_id,
        ip,
    )


def parse_scrape_query(query_string: bytes) -> list[bytes]:
    """Return the info hashes of a scrape query in request order, or raise QueryError."""
    hashes = []
    for part in query_string.split(b"&"):
        name, _, value = part.partition(b"=")
        if name == b"info_hash":
            info_hash = percent_decode(value)
            if len(info_hash) != INFO_HASH_LENGTH:
                raise QueryError(messages.INVALID_INFO_HASH)
            hashes.append(info_hash)
    return hashes


def parse_numwant(value: bytes) -> int:
    """Return numwant as a non-negative int, -1 when empty, negative or not a number."""
    if not value.isdigit():
        return -1
    if len(value) > _MAX_NUMWANT_DIGITS:
        return _HUGE_NUMWANT
    return int(value)


def _parse_port(text: bytes | None) -> int:
    if text is None:
        raise QueryError(messages.MISSING_PORT)
    if not text.isdigit() or len(text) > 5:
        raise QueryError(messages.INVALID_PORT)
    port = int(text)
    if port > 65535:
        raise QueryError(messages.INVALID_PORT)
    return port


def _parse_seeder(left_text: bytes | None) -> bool:
    # BEP 3 makes `left` mandatory, but some minimal clients omit it: such a
    # peer is counted as a leecher rather than rejected.
    if left_text is None:
        return False
    if not left_text.isdigit():
        raise QueryError(messages.INVALID_LEFT)
    return left_text.strip(b"0") == b""
