"""Query string parsing: exact bytes for info_hash and peer_id, and parameter checks."""

from __future__ import annotations

import os
from urllib.parse import unquote_to_bytes

import pytest

from anirena.tracker.events import EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED
from anirena.tracker.wire import messages
from anirena.tracker.wire.http_query import (
    QueryError,
    parse_announce_query,
    parse_numwant,
    parse_scrape_query,
    percent_decode,
)

PEER_ID = b"-AR0001-abcdefghijkl"
# `&` separates parameters and `%` starts an escape, so no client can send
# them raw; every other byte value must survive unencoded.
RAW_UNSAFE = {ord("&"), ord("%")}


def encoded(value: bytes) -> bytes:
    return b"".join(b"%%%02X" % byte for byte in value)


def query(info_hash: bytes, peer_id: bytes = PEER_ID, rest: bytes = b"&port=6881&left=0") -> bytes:
    return b"info_hash=" + info_hash + b"&peer_id=" + peer_id + rest


def test_all_byte_values_percent_encoded():
    for byte in range(256):
        value = bytes([byte]) * 20
        parsed = parse_announce_query(query(encoded(value), encoded(value)))

        assert parsed.info_hash == value, byte
        assert parsed.peer_id == value, byte


def test_all_byte_values_lowercase_escapes():
    for byte in range(256):
        value = bytes([byte]) * 20
        lower = encoded(value).lower()
        parsed = parse_announce_query(query(lower, lower))

        assert parsed.info_hash == value, byte
        assert parsed.peer_id == value, byte


def test_all_byte_values_raw():
    for byte in range(256):
        if byte in RAW_UNSAFE:
            continue
        value = bytes([byte]) * 20
        parsed = parse_announce_query(query(value, value))

        assert parsed.info_hash == value, byte
        assert parsed.peer_id == value, byte


def test_mixed_raw_and_encoded_bytes():
    for _ in range(500):
        value = os.urandom(20)
        mixed = b"".join(
            bytes([byte]) if byte not in RAW_UNSAFE and byte % 2 else b"%%%02x" % byte for byte in value
        )
        parsed = parse_announce_query(query(mixed, mixed))

        assert parsed.info_hash == value
        assert parsed.peer_id == value


def test_plus_stays_literal():
    value = b"+" * 20

    assert parse_announce_query(query(value)).info_hash == value


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"abc",
        b"%41%42",
        b"%zz",
        b"%4",
        b"%4g",
        b"abc%",
        b"%%41",
        b"\\x41%41",
        b"\\%41",
        b"%5C%78%34%31",
        b"\\\\%5c",
        b"%00%FF%fF",
        bytes(range(256)).replace(b"%", b""),
    ],
)
def test_percent_decode_matches_stdlib(value):
    assert percent_decode(value) == unquote_to_bytes(value)


def test_percent_decode_matches_stdlib_random():
    alphabet = b"%\\x0123456789abcdefABCDEFgz+"
    for _ in range(2000):
        length = os.urandom(1)[0] % 24
        value = bytes(alphabet[byte % len(alphabet)] for byte in os.urandom(length))

        assert percent_decode(value) == unquote_to_bytes(value), value


@pytest.mark.parametrize("length", [0, 1, 19, 21, 40])
def test_info_hash_must_be_20_bytes(length):
    with pytest.raises(QueryError) as error:
        parse_announce_query(query(encoded(b"a" * length)))

    assert str(error.value) == messages.INVALID_INFO_HASH


@pytest.mark.parametrize("length", [0, 19, 21])
def test_peer_id_must_be_20_bytes(length):
    with pytest.raises(QueryError) as error:
        parse_announce_query(query(encoded(b"a" * 20), encoded(b"p" * length)))

    assert str(error.value) == messages.INVALID_PEER_ID


def test_first_repeated_info_hash_wins():
    parsed = parse_announce_query(query(b"a" * 20) + b"&info_hash=" + b"b" * 20)

    assert parsed.info_hash == b"a" * 20


def test_defaults():
    parsed = parse_announce_query(query(b"a" * 20, rest=b"&port=1"))

    assert parsed.port == 1
    assert parsed.seeder is False
    assert parsed.event == EVENT_NONE
    assert parsed.numwant == -1
    assert parsed.compact is True
    assert parsed.no_peer_id is False
    assert parsed.ip is None


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (b"started", EVENT_STARTED),
        (b"stopped", EVENT_STOPPED),
        (b"completed", EVENT_COMPLETED),
        (b"empty", EVENT_NONE),
        (b"", EVENT_NONE),
        (b"paused", EVENT_NONE),
    ],
)
def test_events(text, event):
    parsed = parse_announce_query(query(b"a" * 20, rest=b"&port=1&event=" + text))

    assert parsed.event == event


@pytest.mark.parametrize(
    ("left", "seeder"),
    [(b"0", True), (b"000", True), (b"1", False), (b"99999999999999999999", False)],
)
def test_left_decides_seeder(left, seeder):
    parsed = parse_announce_query(query(b"a" * 20, rest=b"&port=1&left=" + left))

    assert parsed.seeder is seeder


@pytest.mark.parametrize("port", [b"0", b"1", b"65535", b"00080"])
def test_valid_ports(port):
    assert parse_announce_query(query(b"a" * 20, rest=b"&port=" + port)).port == int(port)


@pytest.mark.parametrize("port", [b"", b"-1", b"65536", b"123456", b"0x50", b" 80", b"8_0"])
def test_invalid_ports(port):
    with pytest.raises(QueryError) as error:
        parse_announce_query(query(b"a" * 20, rest=b"&port=" + port))

    assert str(error.value) == messages.INVALID_PORT


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"0", 0),
        (b"50", 50),
        (b"-1", -1),
        (b"-500", -1),
        (b"", -1),
        (b"abc", -1),
        (b"1.5", -1),
        (b"9" * 100, 10**9),
        (b"9" * 5000, 10**9),
    ],
)
def test_numwant_parsing(text, value):
    assert parse_numwant(text) == value


def test_compact_and_no_peer_id_flags():
    parsed = parse_announce_query(query(b"a" * 20, rest=b"&port=1&compact=0&no_peer_id=1"))

    assert parsed.compact is False
    assert parsed.no_peer_id is True


def test_ip_param_is_decoded():
    parsed = parse_announce_query(query(b"a" * 20, rest=b"&port=1&ip=2001%3Adb8%3A%3A1"))

    assert parsed.ip == b"2001:db8::1"


def test_scrape_hashes_in_order():
    first, second = os.urandom(20), os.urandom(20)
    hashes = parse_scrape_query(b"info_hash=" + encoded(first) + b"&x=1&info_hash=" + encoded(second))

    assert hashes == [first, second]


def test_scrape_without_hashes():
    assert parse_scrape_query(b"") == []


def test_scrape_rejects_short_hash():
    with pytest.raises(QueryError):
        parse_scrape_query(b"info_hash=" + encoded(b"a" * 19))
