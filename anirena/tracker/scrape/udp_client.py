"""UDP tracker scrape client (BEP 15): connect, then scrape in batches of at most 74 hashes.

BEP 15 retries a request after 15 * 2**n seconds for n up to 8, which is
about an hour per tracker. A scrape round cannot wait that long, so each
request gets `tries` attempts of `timeout` seconds. A tracker that sends no
response to one request after that is given up for the round.
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
from collections.abc import Callable, Sequence
from typing import Any

from anirena.tracker.scrape.responses import Counts, ScrapeFailure, parse_udp_scrape

logger = logging.getLogger(__name__)

PROTOCOL_ID = 0x41727101980
ACTION_CONNECT = 0
ACTION_SCRAPE = 2
MAX_HASHES_PER_SCRAPE = 74
# BEP 15 lets a client use a connection id for one minute; renew it a little earlier.
CONNECTION_ID_LIFETIME = 55.0

_REQUEST_HEAD = struct.Struct("!QI4s")
_CONNECT_RESPONSE = struct.Struct("!I4sQ")


class UdpScrapeTimeout(ScrapeFailure):
    """The tracker sent no response to a request within the allowed tries."""


class _Exchange(asyncio.DatagramProtocol):
    """Connected UDP socket that matches responses to requests by transaction id."""

    def __init__(self) -> None:
        self.waiting: dict[bytes, asyncio.Future[bytes]] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: Any) -> None:
        # Responses start with action and transaction id; anything else is ignored.
        if len(data) < 8:
            return
        future = self.waiting.pop(data[4:8], None)
        if future is not None and not future.done():
            future.set_result(data)

    def error_received(self, exc: Exception) -> None:
        # On a connected socket this is typically an ICMP port unreachable.
        self._fail_all(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail_all(exc or ConnectionError("UDP socket closed"))

    def _fail_all(self, exc: Exception) -> None:
        waiting, self.waiting = self.waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(exc)


class UdpScrapeClient:
    """Scrape of one UDP tracker at a resolved (ip, port) address."""

    def __init__(self, address: tuple[str, int], *, timeout: float, tries: int, name: str) -> None:
        self._address = address
        self._timeout = timeout
        self._tries = tries
        self._name = name
        self._exchange: _Exchange | None = None
        self._connection_id = 0
        self._connected_at: float | None = None

    async def scrape(
        self,
        info_hashes: Sequence[bytes],
        batch_size: int,
        on_counts: Callable[[dict[bytes, Counts]], None],
    ) -> list[str]:
        """Scrape all hashes batch by batch, passing each batch's counts to `on_counts`.

        Returns the error messages of batches that the tracker rejected.
        Raises ScrapeFailure (UdpScrapeTimeout when it stopped responding) or
        OSError when the tracker cannot be used for the rest of the round.
        """
        batch_size = max(1, min(batch_size, MAX_HASHES_PER_SCRAPE))
        loop = asyncio.get_running_loop()
        transport, self._exchange = await loop.create_datagram_endpoint(_Exchange, remote_addr=self._address)
        errors = []
        try:
            for start in range(0, len(info_hashes), batch_size):
                batch = list(info_hashes[start : start + batch_size])
                try:
                    on_counts(await self._scrape_batch(batch))
                except UdpScrapeTimeout:
                    raise
                except ScrapeFailure as error:
                    errors.append(str(error))
        finally:
            transport.close()
        return errors

    async def _scrape_batch(self, batch: list[bytes]) -> dict[bytes, Counts]:
        connection_id = await self._current_connection_id()
        response = await self._request(lambda transaction: _REQUEST_HEAD.pack(connection_id, ACTION_SCRAPE, transaction) + b"".join(batch))
        return parse_udp_scrape(response, batch)

    async def _current_connection_id(self) -> int:
        loop = asyncio.get_running_loop()
        if self._connected_at is not None and loop.time() - self._connected_at < CONNECTION_ID_LIFETIME:
            return self._connection_id
        response = await self._request(lambda transaction: _REQUEST_HEAD.pack(PROTOCOL_ID, ACTION_CONNECT, transaction))
        if len(response) < _CONNECT_RESPONSE.size:
            parse_udp_scrape(response, [])  # raises ScrapeFailure with the tracker's error, if any
            raise ScrapeFailure(f"UDP connect response of {len(response)} bytes is too short")
        action, _, connection_id = _CONNECT_RESPONSE.unpack_from(response)
        if action != ACTION_CONNECT:
            parse_udp_scrape(response, [])
            raise ScrapeFailure(f"UDP connect response has action {action}, expected {ACTION_CONNECT}")
        self._connection_id = connection_id
        self._connected_at = loop.time()
        return connection_id

    async def _request(self, build: Callable[[bytes], bytes]) -> bytes:
        """Send a request up to `tries` times with a new transaction id each and return the response."""
        exchange = self._exchange
        assert exchange is not None and exchange.transport is not None
        loop = asyncio.get_running_loop()
        for attempt in range(1, self._tries + 1):
            transaction = os.urandom(4)
            future: asyncio.Future[bytes] = loop.create_future()
            exchange.waiting[transaction] = future
            exchange.transport.sendto(build(transaction))
            try:
                return await asyncio.wait_for(future, self._timeout)
            except TimeoutError:
                exchange.waiting.pop(transaction, None)
                if attempt < self._tries:
                    logger.debug("UDP tracker %s: no response in %.1f s, retrying", self._name, self._timeout)
        raise UdpScrapeTimeout(f"no response after {self._tries} tries of {self._timeout:g} s")
