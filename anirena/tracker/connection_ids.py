"""Stateless UDP connection ids (BEP 15) that clients cannot forge.

A connection id is the issue time in seconds modulo 2**16 (2 bytes) followed
by a keyed BLAKE2b digest (6 bytes) of that full time and the client IP. BEP
15 says that trackers should accept an id until two minutes after sending
it, so `verify` accepts it for VALID_SECONDS, checked with one digest. A client that
spoofs its source address never receives the id, which is what protects the
UDP announce against spoofing. The port is left out so that a NAT that
changes the source port does not invalidate the id. Verified ids are
remembered until they expire, so a client's later requests skip the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable

VALID_SECONDS = 120
# Ids stamped up to this many seconds in the future are accepted, for
# processes on several hosts whose clocks differ slightly.
CLOCK_SKEW_SECONDS = 5
CONNECTION_ID_SIZE = 8
_STAMP_MODULUS = 1 << 16
_DIGEST_SIZE = 6
# Verified ids are remembered with the last second they are valid, so a
# client's next requests skip the digest. The memory is emptied when full.
_VERIFIED_MAX = 16384


class ConnectionIdSigner:
    """Issuer and verifier of connection ids for one secret key."""

    def __init__(self, secret: bytes = b"", *, clock: Callable[[], float] = time.time) -> None:
        # BLAKE2b keys are at most 64 bytes, so longer secrets are hashed down.
        if not secret:
            secret = os.urandom(32)
        elif len(secret) > 64:
            secret = hashlib.blake2b(secret).digest()
        self._key = secret
        self._clock = clock
        self._verified: dict[bytes, int] = {}

    def issue(self, packed_ip: bytes) -> bytes:
        issued = int(self._clock())
        return (issued % _STAMP_MODULUS).to_bytes(2, "big") + self._digest(packed_ip, issued)

    def verify(self, connection_id: bytes, packed_ip: bytes) -> bool:
        if len(connection_id) != CONNECTION_ID_SIZE:
            return False
        now = int(self._clock())
        remembered = connection_id + packed_ip
        valid_until = self._verified.get(remembered)
        if valid_until is not None and now <= valid_until:
            return True
        age = (now - int.from_bytes(connection_id[:2], "big")) % _STAMP_MODULUS
        if age > _STAMP_MODULUS - CLOCK_SKEW_SECONDS:
            age -= _STAMP_MODULUS
        elif age > VALID_SECONDS:
            return False
        if not hmac.compare_digest(connection_id[2:], self._digest(packed_ip, now - age)):
            return False
        if len(self._verified) >= _VERIFIED_MAX:
            self._verified.clear()
        self._verified[remembered] = now - age + VALID_SECONDS
        return True

    def _digest(self, packed_ip: bytes, issued: int) -> bytes:
        message = issued.to_bytes(8, "big", signed=True) + packed_ip
        return hashlib.blake2b(message, key=self._key, digest_size=_DIGEST_SIZE).digest()
