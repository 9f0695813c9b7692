"""Packet layouts of the UDP tracker protocol (BEP 15).

All integers are big-endian. Every request starts with a 16-byte header:
connection id (8 bytes), action (4) and transaction id (4). The transaction id
is copied into the response as raw bytes, never interpreted.
"""

from __future__ import annotations

import struct

# Fixed value in the connection id field of a connect request.
PROTOCOL_ID = (0x41727101980).to_bytes(8, "big")

ACTION_CONNECT = 0
ACTION_ANNOUNCE = 1
ACTION_SCRAPE = 2
ACTION_ERROR = 3

HEADER_SIZE = 16
ANNOUNCE_REQUEST_SIZE = 98
SCRAPE_HASH_SIZE = 20
# Larger datagrams are dropped unread. This leaves room for BEP 41 options
# after an announce and for a scrape of 75 hashes or more, which gets an error.
MAX_REQUEST_SIZE = 2048

HEADER = struct.Struct("!8sI4s")
# info_hash, peer_id, downloaded, left, uploaded, event, ip, key, num_want, port
ANNOUNCE_BODY = struct.Struct("!20s20sQQQI4sIiH")
CONNECT_RESPONSE = struct.Struct("!I4s8s")
ANNOUNCE_RESPONSE_HEAD = struct.Struct("!I4sIII")
SCRAPE_RESPONSE_HEAD = struct.Struct("!I4s")
SCRAPE_RESPONSE_ENTRY = struct.Struct("!III")
ERROR_HEAD = struct.Struct("!I4s")

assert HEADER.size == HEADER_SIZE
assert HEADER_SIZE + ANNOUNCE_BODY.size == ANNOUNCE_REQUEST_SIZE


def connect_response(transaction_id: bytes, connection_id: bytes) -> bytes:
    return CONNECT_RESPONSE.pack(ACTION_CONNECT, transaction_id, connection_id)


def announce_response(transaction_id: bytes, interval: int, leechers: int, seeders: int, peers: bytes) -> bytes:
    return ANNOUNCE_RESPONSE_HEAD.pack(ACTION_ANNOUNCE, transaction_id, interval, leechers, seeders) + peers


def scrape_response(transaction_id: bytes, entries: list[tuple[int, int, int]]) -> bytes:
    """Encode a scrape response from (seeders, completed, leechers) tuples in request order."""
    parts = [SCRAPE_RESPONSE_HEAD.pack(ACTION_SCRAPE, transaction_id)]
    parts.extend(SCRAPE_RESPONSE_ENTRY.pack(*entry) for entry in entries)
    return b"".join(parts)


def error_response(transaction_id: bytes, message: str) -> bytes:
    return ERROR_HEAD.pack(ACTION_ERROR, transaction_id) + message.encode()


def clamp_u32(value: int) -> int:
    """Clamp a count to the unsigned 32-bit range of UDP response fields."""
    return value if value <= 0xFFFFFFFF else 0xFFFFFFFF
