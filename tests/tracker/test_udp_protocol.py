"""UDP tracker protocol (BEP 15) through the datagram handler, with a recording transport."""

from __future__ import annotations

import logging
import struct

import pytest

from anirena.tracker.config import TrackerConfig
from anirena.tracker.connection_ids import ConnectionIdSigner
from anirena.tracker.core import Tracker
from anirena.tracker.events import EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED
from anirena.tracker.udp import MAX_UDP_PEERS_V6, UdpTrackerProtocol
from anirena.tracker.wire import messages
from anirena.tracker.wire.addresses import pack_ip
from anirena.tracker.wire.udp_packets import MAX_REQUEST_SIZE, PROTOCOL_ID
from tests.tracker.helpers import HASH_A, HASH_B, HYBRID_V1, UNREGISTERED, compact, make_memory_store, peer_id

TRANSACTION = b"\x12\x34\x56\x78"


class RecordingTransport:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple]] = []

    def sendto(self, data, addr):
        self.sent.append((data, addr))


class UdpHarness:
    """A UdpTrackerProtocol wired to a recording transport and a fake-clock signer."""

    def __init__(self, tracker: Tracker, clock) -> None:
        self.signer = ConnectionIdSigner(b"test secret", clock=clock)
        self.protocol = UdpTrackerProtocol(tracker, self.signer)
        self.transport = RecordingTransport()
        self.protocol.connection_made(self.transport)

    def request(self, data: bytes, addr=("10.0.0.1", 40000)) -> bytes | None:
        before = len(self.transport.sent)
        self.protocol.datagram_received(data, addr)
        if len(self.transport.sent) == before:
            return None
        payload, sent_to = self.transport.sent[-1]
        assert sent_to == addr
        return payload

    def connect(self, addr=("10.0.0.1", 40000)) -> bytes:
        response = self.request(PROTOCOL_ID + struct.pack("!I", 0) + TRANSACTION, addr)
        action, transaction, connection_id = struct.unpack("!I4s8s", response)
        assert action == 0
        assert transaction == TRANSACTION
        return connection_id

    def announce(self, addr=("10.0.0.1", 40000), connection_id=None, **fields) -> bytes:
        if connection_id is None:
            connection_id = self.connect(addr)
        return self.request(announce_packet(connection_id, **fields), addr)


def announce_packet(
    connection_id: bytes,
    info_hash: bytes = HASH_A,
    number: int = 1,
    left: int = 0,
    event: int = EVENT_STARTED,
    ip: bytes = bytes(4),
    numwant: int = -1,
    port: int = 6881,
) -> bytes:
    return (
        connection_id
        + struct.pack("!I4s", 1, TRANSACTION)
        + struct.pack("!20s20sQQQI4sIiH", info_hash, peer_id(number), 0, left, 0, event, ip, 0, numwant, port)
    )


def scrape_packet(connection_id: bytes, hashes: list[bytes]) -> bytes:
    return connection_id + struct.pack("!I4s", 2, TRANSACTION) + b"".join(hashes)


def parse_announce(response: bytes, width: int = 6):
    action, transaction, interval, leechers, seeders = struct.unpack_from("!I4sIII", response)
    assert action == 1
    assert transaction == TRANSACTION
    peers = [response[i : i + width] for i in range(20, len(response), width)]
    assert 20 + len(peers) * width == len(response)
    return interval, leechers, seeders, peers


def error_message(response: bytes) -> str:
    action, transaction = struct.unpack_from("!I4s", response)
    assert action == 3
    assert transaction == TRANSACTION
    return response[8:].decode()


@pytest.fixture
def udp(tracker, clock) -> UdpHarness:
    return UdpHarness(tracker, clock)


def test_connect_returns_connection_id(udp):
    connection_id = udp.connect()

    assert len(connection_id) == 8
    assert udp.signer.verify(connection_id, pack_ip("10.0.0.1"))


def test_connect_ids_differ_per_ip(udp):
    assert udp.connect(("10.0.0.1", 1)) != udp.connect(("10.0.0.2", 1))


def test_announce_response_fields(udp):
    udp.announce(("10.0.0.1", 40000), number=1, left=0)
    response = udp.announce(("10.0.0.2", 40000), number=2, left=100)
    interval, leechers, seeders, peers = parse_announce(response)

    assert interval == 1800
    assert leechers == 1
    assert seeders == 1
    assert peers == [compact("10.0.0.1", 6881)]


def test_peer_port_comes_from_packet(udp):
    udp.announce(("10.0.0.1", 40000), number=1, port=51413)
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)

    assert parse_announce(response)[3] == [compact("10.0.0.1", 51413)]


def test_ipv6_client_gets_18_byte_peers(udp):
    udp.announce(("2001:db8::1", 40000, 0, 0), number=1)
    udp.announce(("10.0.0.2", 40000), number=2)
    response = udp.announce(("2001:db8::3", 40000, 0, 0), number=3, left=5)
    _, leechers, seeders, peers = parse_announce(response, width=18)

    assert peers == [compact("2001:db8::1", 6881)]
    assert seeders == 2
    assert leechers == 1


def test_ipv4_client_gets_only_ipv4_peers(udp):
    udp.announce(("2001:db8::1", 40000, 0, 0), number=1)
    response = udp.announce(("10.0.0.3", 40000), number=3, left=5)

    assert parse_announce(response)[3] == []


def test_ipv4_mapped_client_is_ipv4(udp):
    udp.announce(("::ffff:10.0.0.1", 40000, 0, 0), number=1)
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)

    assert parse_announce(response)[3] == [compact("10.0.0.1", 6881)]


def test_port_zero_counted_not_returned(udp):
    udp.announce(("10.0.0.1", 40000), number=1, port=0)
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)
    _, _, seeders, peers = parse_announce(response)

    assert seeders == 1
    assert peers == []


def test_stopped_removes_peer(udp):
    udp.announce(("10.0.0.1", 40000), number=1)
    udp.announce(("10.0.0.1", 40000), number=1, event=EVENT_STOPPED)
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)

    assert parse_announce(response)[2] == 0


def test_completed_counted_once(udp, tracker):
    udp.announce(number=1, event=EVENT_COMPLETED)
    udp.announce(number=1, event=EVENT_COMPLETED)
    udp.announce(number=1, event=EVENT_NONE)

    assert tracker.completed.pending("torrent-a") == 1


@pytest.mark.parametrize(("numwant", "expected"), [(-1, 50), (0, 0), (5, 5), (2**31 - 1, 60), (-(2**31), 50)])
def test_numwant_handling(udp, numwant, expected):
    for number in range(1, 61):
        udp.announce((f"10.0.1.{number}", 40000), number=number)
    response = udp.announce(("10.0.2.1", 40000), number=100, left=5, numwant=numwant)

    assert len(parse_announce(response)[3]) == expected


def test_ipv6_response_fits_minimum_mtu(udp):
    for number in range(1, 101):
        udp.announce((f"2001:db8::{number:x}", 40000, 0, 0), number=number)
    response = udp.announce(("2001:db8::ffff", 40000, 0, 0), number=999, left=5, numwant=200)

    assert len(parse_announce(response, width=18)[3]) == MAX_UDP_PEERS_V6
    assert len(response) + 48 <= 1280


def test_ip_field_ignored_by_default(udp):
    udp.announce(("10.0.0.1", 40000), number=1, ip=pack_ip("192.0.2.7"))
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)

    assert parse_announce(response)[3] == [compact("10.0.0.1", 6881)]


def test_ip_field_used_when_trusted(registry, clock):
    config = TrackerConfig(trust_ip_param=True)
    udp = UdpHarness(Tracker(config, registry, make_memory_store(config, clock)), clock)
    udp.announce(("10.0.0.1", 40000), number=1, ip=pack_ip("192.0.2.7"))
    response = udp.announce(("10.0.0.2", 40000), number=2, left=5)

    assert parse_announce(response)[3] == [compact("192.0.2.7", 6881)]


def test_unregistered_torrent_error(udp):
    response = udp.announce(info_hash=UNREGISTERED)

    assert error_message(response) == "unregistered torrent"


def test_invalid_event_error(udp):
    assert error_message(udp.announce(event=4)) == messages.INVALID_EVENT


def test_scrape_counts_in_request_order(udp):
    udp.announce(("10.0.0.1", 40000), number=1, info_hash=HASH_B, event=EVENT_COMPLETED)
    udp.announce(("10.0.0.2", 40000), number=2, info_hash=HASH_B, left=7)
    response = udp.request(scrape_packet(udp.connect(), [HASH_A, HASH_B, UNREGISTERED]))
    action, transaction = struct.unpack_from("!I4s", response)
    entries = [struct.unpack_from("!III", response, offset) for offset in range(8, len(response), 12)]

    assert action == 2
    assert transaction == TRANSACTION
    assert entries == [(0, 0, 0), (1, 1, 1), (0, 0, 0)]


def test_scrape_hybrid_shares_completed(udp):
    udp.announce(info_hash=HYBRID_V1, event=EVENT_COMPLETED)
    response = udp.request(scrape_packet(udp.connect(), [HYBRID_V1]))

    assert struct.unpack_from("!III", response, 8) == (1, 1, 0)


def test_scrape_74_hashes_accepted(udp):
    hashes = [number.to_bytes(20, "big") for number in range(74)]
    response = udp.request(scrape_packet(udp.connect(), hashes))

    assert len(response) == 8 + 74 * 12


def test_scrape_75_hashes_rejected(udp):
    hashes = [number.to_bytes(20, "big") for number in range(75)]
    response = udp.request(scrape_packet(udp.connect(), hashes))

    assert error_message(response) == "too many info_hash values: at most 74 per scrape"


def test_forged_connection_id_rejected(udp):
    response = udp.announce(connection_id=b"\x00\x01\x02\x03\x04\x05\x06\x07")

    assert error_message(response) == messages.INVALID_CONNECTION_ID


def test_connection_id_of_other_ip_rejected(udp):
    other = udp.connect(("10.0.0.99", 40000))
    response = udp.announce(("10.0.0.1", 40000), connection_id=other)

    assert error_message(response) == messages.INVALID_CONNECTION_ID


def test_connection_id_valid_for_a_minute(udp, clock):
    connection_id = udp.connect()
    clock.advance(60)

    assert parse_announce(udp.announce(connection_id=connection_id))[0] == 1800


def test_expired_connection_id_rejected(udp, clock):
    connection_id = udp.connect()
    clock.advance(121)

    assert error_message(udp.announce(connection_id=connection_id)) == messages.INVALID_CONNECTION_ID


def test_connection_id_from_other_secret_rejected(udp, tracker, clock):
    other = UdpHarness(tracker, clock)
    other.signer = ConnectionIdSigner(b"another secret", clock=clock)
    foreign = other.signer.issue(pack_ip("10.0.0.1"))

    assert error_message(udp.announce(connection_id=foreign)) == messages.INVALID_CONNECTION_ID


def test_short_bad_connection_id_not_answered(udp):
    # The error would be larger than the 16-byte request, so it is not sent.
    assert udp.request(b"\x00" * 8 + struct.pack("!I4s", 1, TRANSACTION)) is None


def _malformed_cases(connection_id: bytes) -> list[tuple[str, bytes, str | None]]:
    """(case, datagram, expected error message or None when dropped)."""
    valid_announce = announce_packet(connection_id)
    return [
        ("empty", b"", None),
        ("one byte", b"\x00", None),
        ("15 bytes", PROTOCOL_ID + b"\x00" * 7, None),
        ("oversized", b"\x00" * (MAX_REQUEST_SIZE + 1), None),
        ("connect wrong protocol id", b"\x00" * 8 + struct.pack("!I4s", 0, TRANSACTION), None),
        ("connect garbage", b"\xff" * 16, None),
        ("announce truncated to header", valid_announce[:16], messages.MALFORMED_PACKET),
        ("announce truncated to 97 bytes", valid_announce[:97], messages.MALFORMED_PACKET),
        ("unknown action", connection_id + struct.pack("!I4s", 7, TRANSACTION), messages.INVALID_ACTION),
        ("error action from client", connection_id + struct.pack("!I4s", 3, TRANSACTION), messages.INVALID_ACTION),
        ("huge action", connection_id + struct.pack("!I4s", 2**32 - 1, TRANSACTION), messages.INVALID_ACTION),
        ("scrape without hashes", connection_id + struct.pack("!I4s", 2, TRANSACTION), messages.MALFORMED_PACKET),
        ("scrape partial hash", scrape_packet(connection_id, [b"\x01" * 19]), messages.MALFORMED_PACKET),
        ("scrape trailing bytes", scrape_packet(connection_id, [HASH_A, b"\x01"]), messages.MALFORMED_PACKET),
        ("bad connection id announce", announce_packet(b"\xab" * 8), messages.INVALID_CONNECTION_ID),
        ("random bytes", bytes(range(12)) + TRANSACTION + bytes(range(184)), messages.INVALID_CONNECTION_ID),
    ]


def test_malformed_packets_table(udp):
    connection_id = udp.connect()
    for case, datagram, expected in _malformed_cases(connection_id):
        response = udp.request(datagram)
        if expected is None:
            assert response is None, case
        else:
            assert response is not None, case
            assert error_message(response) == expected, case


def test_announce_with_bep41_options_accepted(udp):
    options = b"\x02\x09/announce\x00"
    response = udp.request(announce_packet(udp.connect()) + options)

    assert parse_announce(response)[0] == 1800


def test_garbage_keeps_server_working(udp):
    for size in range(0, 200, 7):
        udp.request(bytes((i * 37) % 256 for i in range(size)))

    assert parse_announce(udp.announce())[0] == 1800


def test_store_failure_sends_error(udp, tracker, monkeypatch):
    async def broken(*args, **kwargs):
        raise ConnectionError("store down")

    def broken_now(*args, **kwargs):
        raise ConnectionError("store down")

    monkeypatch.setattr(tracker, "_store_announce", broken)
    monkeypatch.setattr(tracker, "_store_announce_now", broken_now)

    assert error_message(udp.announce()) == messages.INTERNAL_ERROR


def test_no_info_logging_per_packet(udp, caplog):
    with caplog.at_level(logging.DEBUG, logger="anirena.tracker"):
        for number in range(20):
            udp.announce((f"10.0.0.{number}", 40000), number=number)

    assert [record for record in caplog.records if record.levelno >= logging.INFO] == []


def test_warnings_are_rate_limited(udp, caplog):
    with caplog.at_level(logging.WARNING, logger="anirena.tracker"):
        for _ in range(100):
            udp.request(b"\x00" * 3)

    assert len(caplog.records) == 1


def test_closed_transport_sends_nothing(udp):
    udp.protocol.connection_lost(None)

    assert udp.request(PROTOCOL_ID + struct.pack("!I", 0) + TRANSACTION) is None
