"""UDP tracker server (BEP 15) as an asyncio datagram protocol.

Malformed datagrams never raise out of the handler. Datagrams shorter than
the 16-byte header, larger than MAX_REQUEST_SIZE, or connects with a wrong
protocol id are dropped. Other bad requests get an error packet (action 3),
except that a request with an invalid connection id is answered only when
the error is no larger than the request, so that a spoofed source address
cannot be used to amplify traffic. Problems are logged as rate-limited
warnings, never once per packet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from anirena.tracker.connection_ids import ConnectionIdSigner
from anirena.tracker.core import Tracker, TrackerError
from anirena.tracker.events import EVENT_STOPPED, FAMILY_V4, FAMILY_V6
from anirena.tracker.inline import run_inline
from anirena.tracker.ratelimit import RateLimitedWarnings
from anirena.tracker.store.base import AnnounceResult
from anirena.tracker.wire import messages
from anirena.tracker.wire.addresses import pack_ip
from anirena.tracker.wire.udp_packets import (
    ACTION_ANNOUNCE,
    ACTION_CONNECT,
    ACTION_SCRAPE,
    ANNOUNCE_BODY,
    ANNOUNCE_REQUEST_SIZE,
    HEADER,
    HEADER_SIZE,
    MAX_REQUEST_SIZE,
    PROTOCOL_ID,
    SCRAPE_HASH_SIZE,
    announce_response,
    clamp_u32,
    connect_response,
    error_response,
    scrape_response,
)

logger = logging.getLogger(__name__)

_NO_IP = bytes(4)
# Peers per response, so that a response fits one unfragmented datagram:
# 1500-byte Ethernet MTU for IPv4, the 1280-byte IPv6 minimum MTU for IPv6,
# less IP and UDP headers and the 20-byte announce response header.
MAX_UDP_PEERS_V4 = (1500 - 20 - 8 - 20) // 6
MAX_UDP_PEERS_V6 = (1280 - 40 - 8 - 20) // 18


class UdpTrackerProtocol(asyncio.DatagramProtocol):
    """Datagram handler for connect, announce and scrape requests."""

    def __init__(self, tracker: Tracker, signer: ConnectionIdSigner) -> None:
        self._tracker = tracker
        self._signer = signer
        self._transport: asyncio.DatagramTransport | None = None
        config = tracker.config
        self._interval = config.interval
        self._trust_ip = config.trust_ip_param
        self._scrape_max = config.scrape_max_hashes
        self._numwant_default = config.numwant_default
        self._max_v4 = min(config.numwant_max, MAX_UDP_PEERS_V4)
        self._max_v6 = min(config.numwant_max, MAX_UDP_PEERS_V6)
        # A store that never suspends is driven without a task per datagram.
        self._inline = tracker.store.runs_inline
        self._tasks: set[asyncio.Task[None]] = set()
        self._warnings = RateLimitedWarnings(logger)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def error_received(self, exc: Exception) -> None:
        self._warnings.warn("socket", "UDP socket error: %s", exc)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        try:
            self._handle(data, addr)
        except Exception:
            self._warnings.warn("handler", "UDP request from %s failed", addr[0], exc_info=True)

    async def drain(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for requests still waiting on the peer store."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def _handle(self, data: bytes, addr: tuple[Any, ...]) -> None:
        size = len(data)
        if size < HEADER_SIZE or size > MAX_REQUEST_SIZE:
            self._warnings.warn("size", "Dropped UDP datagram of %d bytes from %s", size, addr[0])
            return
        connection_id, action, transaction_id = HEADER.unpack_from(data)
        packed_ip = pack_ip(addr[0])
        if packed_ip is None:
            return

        if action == ACTION_CONNECT:
            if connection_id != PROTOCOL_ID:
                self._warnings.warn("protocol", "Dropped UDP connect with a wrong protocol id from %s", addr[0])
                return
            self._send(connect_response(transaction_id, self._signer.issue(packed_ip)), addr)
            return

        if not self._signer.verify(connection_id, packed_ip):
            error = error_response(transaction_id, messages.INVALID_CONNECTION_ID)
            if len(error) <= size:
                self._send(error, addr)
            return

        if action == ACTION_ANNOUNCE:
            if size < ANNOUNCE_REQUEST_SIZE:
                self._send(error_response(transaction_id, messages.MALFORMED_PACKET), addr)
                return
            if self._inline:
                self._announce_now(data, addr, packed_ip, transaction_id)
            else:
                self._run(self._announce(data, addr, packed_ip, transaction_id))
        elif action == ACTION_SCRAPE:
            self._run(self._scrape(data, addr, transaction_id))
        else:
            self._send(error_response(transaction_id, messages.INVALID_ACTION), addr)

    def _announce_request(self, data: bytes, packed_ip: bytes) -> tuple[tuple, int] | str:
        """Return the arguments for Tracker.announce and the address family, or an error message."""
        (info_hash, peer_id, _downloaded, left, _uploaded, event, ip_field, _key, numwant, port) = (
            ANNOUNCE_BODY.unpack_from(data, HEADER_SIZE)
        )
        if event > EVENT_STOPPED:
            return messages.INVALID_EVENT
        # The ip field is IPv4 only (BEP 15), so it can only replace an IPv4 source.
        if self._trust_ip and ip_field != _NO_IP and len(packed_ip) == 4:
            packed_ip = ip_field
        if len(packed_ip) == 4:
            family = FAMILY_V4
            limit = self._max_v4
        else:
            family = FAMILY_V6
            limit = self._max_v6
        if numwant < 0:
            numwant = self._numwant_default
        if numwant > limit:
            numwant = limit
        return (info_hash, peer_id, packed_ip, port, left == 0, event, numwant, family), family

    def _announce_now(self, data: bytes, addr: tuple[Any, ...], packed_ip: bytes, transaction_id: bytes) -> None:
        request = self._announce_request(data, packed_ip)
        if isinstance(request, str):
            self._send(error_response(transaction_id, request), addr)
            return
        arguments, family = request
        try:
            result = self._tracker.announce_now(*arguments)
        except Exception as error:
            self._send_announce_error(transaction_id, error, addr)
            return
        self._send_announce(transaction_id, result, family, addr)

    async def _announce(self, data: bytes, addr: tuple[Any, ...], packed_ip: bytes, transaction_id: bytes) -> None:
        request = self._announce_request(data, packed_ip)
        if isinstance(request, str):
            self._send(error_response(transaction_id, request), addr)
            return
        arguments, family = request
        try:
            result, _ = await self._tracker.announce(*arguments)
        except Exception as error:
            self._send_announce_error(transaction_id, error, addr)
            return
        self._send_announce(transaction_id, result, family, addr)

    def _send_announce(self, transaction_id: bytes, result: AnnounceResult, family: int, addr: tuple[Any, ...]) -> None:
        peers = result.peers4 if family == FAMILY_V4 else result.peers6
        response = announce_response(
            transaction_id, self._interval, clamp_u32(result.leechers), clamp_u32(result.seeders), peers
        )
        self._send(response, addr)

    def _send_announce_error(self, transaction_id: bytes, error: Exception, addr: tuple[Any, ...]) -> None:
        if isinstance(error, TrackerError):
            self._send(error_response(transaction_id, error.args[0]), addr)
            return
        self._warnings.warn("announce", "UDP announce failed", exc_info=error)
        self._send(error_response(transaction_id, messages.INTERNAL_ERROR), addr)

    async def _scrape(self, data: bytes, addr: tuple[Any, ...], transaction_id: bytes) -> None:
        count, remainder = divmod(len(data) - HEADER_SIZE, SCRAPE_HASH_SIZE)
        if remainder or count == 0:
            self._send(error_response(transaction_id, messages.MALFORMED_PACKET), addr)
            return
        if count > self._scrape_max:
            self._send(error_response(transaction_id, messages.TOO_MANY_INFO_HASHES % self._scrape_max), addr)
            return
        info_hashes = [
            data[offset : offset + SCRAPE_HASH_SIZE] for offset in range(HEADER_SIZE, len(data), SCRAPE_HASH_SIZE)
        ]
        try:
            entries = await self._tracker.scrape(info_hashes)
        except Exception:
            self._warnings.warn("scrape", "UDP scrape failed", exc_info=True)
            self._send(error_response(transaction_id, messages.INTERNAL_ERROR), addr)
            return
        # Every requested hash keeps its position; unregistered ones read as zeros.
        counts = [
            (0, 0, 0)
            if entry is None
            else (clamp_u32(entry.seeders), clamp_u32(entry.downloaded), clamp_u32(entry.leechers))
            for entry in entries
        ]
        self._send(scrape_response(transaction_id, counts), addr)

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if not self._inline:
            task = asyncio.get_running_loop().create_task(coroutine)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        run_inline(coroutine)

    def _send(self, payload: bytes, addr: tuple[Any, ...]) -> None:
        transport = self._transport
        if transport is not None:
            transport.sendto(payload, addr)
