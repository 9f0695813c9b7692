"""In-process announce rates of the front ends, without sockets: `python -m anirena.tracker.microbench`.

Calls the ASGI app with a no-op `send` and the UDP datagram handler with a
no-op transport, over the memory store, and prints calls per second. The
numbers are an upper bound for the servers, which add socket and HTTP
parsing costs. They depend on the machine and on its load, so compare runs
made on the same idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import struct
import time
from urllib.parse import quote_from_bytes

from anirena.tracker.config import TrackerConfig
from anirena.tracker.connection_ids import ConnectionIdSigner
from anirena.tracker.core import Tracker
from anirena.tracker.http import TrackerApp
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.store.memory import MemoryPeerStore
from anirena.tracker.udp import UdpTrackerProtocol
from anirena.tracker.wire.addresses import pack_ip
from anirena.tracker.wire.udp_packets import ANNOUNCE_BODY, HEADER


class _NullTransport:
    def sendto(self, data: bytes, addr: object) -> None:
        pass


def _client_ip(number: int) -> str:
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def _make_tracker(torrents: int) -> tuple[Tracker, list[bytes]]:
    hashes = [os.urandom(20) for _ in range(torrents)]
    registry = StaticRegistry([(f"t{number}", [info_hash]) for number, info_hash in enumerate(hashes)])
    config = TrackerConfig()
    return Tracker(config, registry, MemoryPeerStore(config.effective_peer_ttl)), hashes


async def measure_asgi(requests: int, torrents: int, rounds: int) -> float:
    """Return ASGI announces per second: random torrents, one new peer per request, compact."""
    tracker, hashes = _make_tracker(torrents)
    app = TrackerApp(tracker)
    scopes = []
    for number in range(requests):
        query = "info_hash=%s&peer_id=%s&port=%d&uploaded=0&downloaded=0&left=%d&compact=1&numwant=50" % (
            quote_from_bytes(random.choice(hashes)),
            quote_from_bytes(os.urandom(20)),
            random.randint(1, 65535),
            random.choice((0, 1000)),
        )
        scopes.append(
            {
                "type": "http",
                "path": "/announce",
                "query_string": query.encode(),
                "client": (_client_ip(number), 40000),
                "headers": [],
            }
        )

    async def receive() -> dict:
        return {}

    async def send(message: dict) -> None:
        pass

    started = time.perf_counter()
    for _ in range(rounds):
        for scope in scopes:
            await app(scope, receive, send)
    return requests * rounds / (time.perf_counter() - started)


async def measure_udp(requests: int, torrents: int, rounds: int) -> float:
    """Return UDP announces per second through UdpTrackerProtocol.datagram_received."""
    tracker, hashes = _make_tracker(torrents)
    signer = ConnectionIdSigner(b"microbench")
    protocol = UdpTrackerProtocol(tracker, signer)
    protocol.connection_made(_NullTransport())  # type: ignore[arg-type]
    datagrams = []
    for number in range(requests):
        host = _client_ip(number)
        body = ANNOUNCE_BODY.pack(
            random.choice(hashes),
            os.urandom(20),
            0,
            random.choice((0, 1000)),
            0,
            2,
            bytes(4),
            0,
            -1,
            random.randint(1, 65535),
        )
        datagrams.append((HEADER.pack(signer.issue(pack_ip(host)), 1, struct.pack("!I", number)) + body, (host, 40000)))

    started = time.perf_counter()
    for _ in range(rounds):
        for data, addr in datagrams:
            protocol.datagram_received(data, addr)
    return requests * rounds / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m anirena.tracker.microbench", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="distinct requests (default: 20000)")
    parser.add_argument("--torrents", type=int, default=1000, help="registered torrents (default: 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the requests (default: 5)")
    arguments = parser.parse_args(argv)
    asgi = asyncio.run(measure_asgi(arguments.requests, arguments.torrents, arguments.rounds))
    udp = asyncio.run(measure_udp(arguments.requests, arguments.torrents, arguments.rounds))
    print(f"ASGI announce:      {asgi:10,.0f} per second")
    print(f"UDP datagram:       {udp:10,.0f} per second")
    print(f"load average:       {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
