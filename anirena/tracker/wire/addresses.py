"""Conversions between IP address text and the compact forms of BEP 23 and BEP 7.

A compact peer address is the packed IP (4 or 16 bytes) followed by the port
as a big-endian 16-bit integer: 6 bytes for IPv4, 18 bytes for IPv6.
"""

from __future__ import annotations

import socket

_V4_MAPPED_PREFIX = bytes(10) + b"\xff\xff"
_inet_pton = socket.inet_pton
_inet_ntop = socket.inet_ntop
_AF_INET = socket.AF_INET
_AF_INET6 = socket.AF_INET6


def pack_ip(host: str) -> bytes | None:
    """Pack an IP address literal to 4 or 16 bytes, or return None if it is invalid.

    IPv4-mapped IPv6 addresses (from dual-stack sockets) become 4-byte IPv4
    addresses, so that such a client is treated as the IPv4 peer it is.
    """
    try:
        if ":" not in host:
            return _inet_pton(_AF_INET, host)
        zone = host.find("%")
        if zone >= 0:
            host = host[:zone]
        packed = _inet_pton(_AF_INET6, host)
    except (OSError, ValueError, TypeError):
        return None
    if packed[:12] == _V4_MAPPED_PREFIX:
        return packed[12:]
    return packed


def compact_address(packed_ip: bytes, port: int) -> bytes:
    return packed_ip + port.to_bytes(2, "big")


def split_compact(address: bytes) -> tuple[str, int]:
    """Return the IP text and port of a 6- or 18-byte compact address."""
    family = _AF_INET if len(address) == 6 else _AF_INET6
    return _inet_ntop(family, address[:-2]), int.from_bytes(address[-2:], "big")


def address_port(address: bytes) -> int:
    return (address[-2] << 8) | address[-1]
