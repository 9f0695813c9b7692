"""Table tests for the hardened bencode decoder and the canonical encoder."""

from __future__ import annotations

import time

import pytest

from anirena.metainfo.bencode import (
    DEFAULT_MAX_DEPTH,
    BencodeError,
    Raw,
    decode,
    decode_document,
    encode,
)

VALID = [
    (b"i0e", 0),
    (b"i42e", 42),
    (b"i-7e", -7),
    (b"i9223372036854775807e", 2**63 - 1),
    (b"i-9223372036854775808e", -(2**63)),
    (b"0:", b""),
    (b"4:spam", b"spam"),
    (b"3:\x00\xff:", b"\x00\xff:"),
    (b"le", []),
    (b"de", {}),
    (b"li1e3:abce", [1, b"abc"]),
    (b"d1:ai1e1:bli2eee", {b"a": 1, b"b": [2]}),
    (b"d0:i1ee", {b"": 1}),
    (b"lllleeee", [[[[]]]]),
    (b"d1:ad1:bd1:cleeee", {b"a": {b"b": {b"c": []}}}),
]


@pytest.mark.parametrize("data,value", VALID)
def test_valid(data, value):
    assert decode(data) == value
    assert encode(value) == data


# (input, expected offset, words expected in the message)
MALFORMED = [
    (b"", 0, "empty"),
    (b"x", 0, "invalid 'x'"),
    (b"e", 0, "outside"),
    (b"ie", 0, "empty integer"),
    (b"i-e", 0, "empty integer"),
    (b"i", 0, "unterminated integer"),
    (b"i12", 0, "unterminated integer"),
    (b"i03e", 0, "leading zero"),
    (b"i-03e", 0, "leading zero"),
    (b"i00e", 0, "leading zero"),
    (b"i-0e", 0, "negative zero"),
    (b"i1.5e", 2, "invalid character '.'"),
    (b"i+5e", 1, "invalid character '+'"),
    (b"i 5e", 1, "invalid"),
    (b"i--5e", 2, "invalid character '-'"),
    (b"i9223372036854775808e", 0, "64-bit"),
    (b"i-9223372036854775809e", 0, "64-bit"),
    (b"i123456789012345678901234e", 0, "too many digits"),
    (b"5:abc", 0, "runs past the end"),
    (b"05:abcde", 0, "leading zero in string length"),
    (b"1a:x", 1, "invalid character 'a' in string length"),
    (b"3", 0, "unterminated string length"),
    (b"3abc", 1, "invalid character 'a'"),
    (b"-3:abc", 0, "invalid '-'"),
    (b"12345678901234567890:x", 0, "too long"),
    (b"l", 1, "unterminated list"),
    (b"li1e", 4, "unterminated list"),
    (b"d", 1, "unterminated dictionary"),
    (b"d1:a", 4, "has no value"),
    (b"d1:ae", 4, "has no value"),
    (b"d1:ai1e", 7, "unterminated dictionary"),
    (b"di1ei2ee", 1, "must be a byte string, found an integer"),
    (b"dlei2ee", 1, "found a list"),
    (b"ddei2ee", 1, "found a dictionary"),
    (b"dxe", 1, "where a dictionary key was expected"),
    (b"i1ei2e", 3, "trailing data"),
    (b"lee", 2, "trailing data"),
    (b"de\n", 2, "trailing data"),
    (b"d1:a1:bee", 8, "trailing data"),
    (b"l1:ax", 4, "invalid 'x'"),
    (b"d1:a1:b1:c", 10, "has no value"),
]


@pytest.mark.parametrize("data,offset,words", MALFORMED)
def test_malformed(data, offset, words):
    with pytest.raises(BencodeError) as info:
        decode(data)
    assert info.value.offset == offset, info.value
    assert words in info.value.message
    assert f"offset {offset}" in str(info.value)


def test_bytearray_and_memoryview_accepted():
    assert decode(bytearray(b"i1e")) == 1
    assert decode(memoryview(b"4:spam")) == b"spam"


def test_str_rejected():
    with pytest.raises(TypeError):
        decode("i1e")  # type: ignore[arg-type]


def test_max_size():
    with pytest.raises(BencodeError, match="over the limit of 10 bytes"):
        decode(b"11:hello world", max_size=10)
    assert decode(b"5:hello", max_size=7) == b"hello"


def test_depth_limit_default_matches_libtorrent(lt):
    """libtorrent accepts 99 nested containers and refuses 100; so do we."""
    ok = b"l" * DEFAULT_MAX_DEPTH + b"e" * DEFAULT_MAX_DEPTH
    too_deep = b"l" * (DEFAULT_MAX_DEPTH + 1) + b"e" * (DEFAULT_MAX_DEPTH + 1)
    assert decode(ok) is not None
    with pytest.raises(BencodeError, match="nesting deeper than 99"):
        decode(too_deep)
    info = encode({b"name": b"x", b"piece length": 16384, b"length": 1, b"pieces": b"a" * 20})
    # the same documents as an extra key of a torrent: the top dict is one level
    for depth, accepted in ((DEFAULT_MAX_DEPTH - 1, True), (DEFAULT_MAX_DEPTH, False)):
        doc = b"d4:info" + info + b"1:z" + b"l" * depth + b"e" * depth + b"e"
        lt_ok = True
        try:
            lt.torrent_info(doc)
        except RuntimeError:
            lt_ok = False
        assert lt_ok is accepted
        try:
            decode(doc)
            ours = True
        except BencodeError:
            ours = False
        assert ours is accepted


def test_depth_bomb_is_fast_and_clean():
    bomb = b"l" * 5_000_000
    start = time.perf_counter()
    with pytest.raises(BencodeError, match="nesting"):
        decode(bomb, max_size=len(bomb))
    assert time.perf_counter() - start < 1.0
    # even with the depth limit lifted, no RecursionError: the decoder is iterative
    deep = b"l" * 100_000 + b"e" * 100_000
    assert decode(deep, max_depth=10**6, max_size=10**6) is not None
    with pytest.raises(BencodeError, match="unterminated list"):
        decode(b"l" * 100_000, max_depth=10**6)


def test_token_limit():
    data = b"l" + b"i1e" * 10 + b"e"  # 1 list + 10 ints + 1 end = 12 tokens
    assert decode(data, max_tokens=12) == [1] * 10
    with pytest.raises(BencodeError, match="more than 11 bencode tokens"):
        decode(data, max_tokens=11)
    dict_data = b"d1:ai1e1:bi2ee"  # d, 2 keys, 2 values, e = 6 tokens
    assert decode(dict_data, max_tokens=6)
    with pytest.raises(BencodeError, match="tokens"):
        decode(dict_data, max_tokens=5)


def test_huge_length_prefix_does_not_allocate():
    data = b"9999999999999999999:x"
    start = time.perf_counter()
    with pytest.raises(BencodeError, match="runs past the end") as info:
        decode(data)
    assert info.value.offset == 0
    assert time.perf_counter() - start < 0.1
    with pytest.raises(BencodeError, match="runs past the end"):
        decode(b"d3:key999999999999:" + b"x" * 100 + b"e")


def test_unsorted_and_duplicate_keys_are_findings():
    doc = decode_document(b"d1:bi1e1:ai2e1:bi3e1:cd1:zi0e1:yi0eee")
    assert doc.value == {b"b": 1, b"a": 2, b"c": {b"z": 0, b"y": 0}}  # first 'b' wins
    kinds = [(f.kind, f.path, f.offset) for f in doc.irregularities]
    assert kinds == [
        ("unsorted-key", (b"a",), 7),
        ("duplicate-key", (b"b",), 13),
        ("unsorted-key", (b"c", b"y"), 29),
    ]
    assert "c/y" in doc.irregularities[2].describe()
    # plain decode() tolerates them as well
    assert decode(b"d1:bi1e1:ai2ee") == {b"b": 1, b"a": 2}


def test_finding_paths_through_lists():
    doc = decode_document(b"d4:infod5:filesld1:bi0e1:ai0eeeee")
    assert [f.path for f in doc.irregularities] == [(b"info", b"files", 0, b"a")]
    assert doc.irregularities[0].describe().startswith("dictionary key out of sorted order at info/files[0]/a")


def test_spans_of_top_level_values():
    data = b"d1:ai1e4:infod1:xi1ee1:zl1:qee"
    doc = decode_document(data)
    assert doc.info_span == (13, 21)
    assert data[slice(*doc.info_span)] == b"d1:xi1ee"
    assert data[slice(*doc.spans[b"a"])] == b"i1e"
    assert data[slice(*doc.spans[b"z"])] == b"l1:qe"
    # the first of duplicate keys is the one whose span is reported
    dup = b"d4:infod1:ai1ee4:infod1:bi2eee"
    assert decode_document(dup).info_span == (7, 15)
    assert decode_document(b"li1ee").spans == {}


def test_trailing_whitespace_option():
    doc = decode_document(b"de\r\n", allow_trailing_whitespace=True)
    assert doc.value == {}
    assert [f.kind for f in doc.irregularities] == ["trailing-whitespace"]
    with pytest.raises(BencodeError, match="trailing"):
        decode_document(b"de\nx", allow_trailing_whitespace=True)


def test_encode_canonical():
    assert encode({"b": 1, b"a": [True, "é", bytearray(b"x")]}) == b"d1:ali1e2:\xc3\xa91:xe1:bi1ee"
    assert encode({b"\xff": 0, b"a": 0, b"": 0}) == b"d0:i0e1:ai0e1:\xffi0ee"
    assert encode({b"info": Raw(b"d1:xi1ee")}) == b"d4:infod1:xi1eee"
    with pytest.raises(ValueError, match="duplicate"):
        encode({"a": 1, b"a": 2})
    with pytest.raises(TypeError):
        encode({1: 2})
    with pytest.raises(TypeError):
        encode(1.5)
    loop: list = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        encode({b"a": loop})
    shared = [1]
    assert encode([shared, shared]) == b"lli1eeli1eee"
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert encode(deep) == b"l" * 100_001 + b"e" * 100_001


def test_round_trip_real_torrents():
    from anirena.testing import shared_data

    folder = shared_data("torrents", "libtorrent", "bench-torrents")
    for path in sorted(folder.glob("*.torrent")):
        data = path.read_bytes()
        assert encode(decode(data)) == data, path.name


def test_speed_against_libtorrent(lt):
    """Not a benchmark, a guard against accidental quadratic behaviour."""
    from anirena.testing import shared_data

    data = shared_data("torrents", "libtorrent", "test_torrents", "large.torrent").read_bytes()
    start = time.perf_counter()
    for _ in range(20):
        decode(data)
    ours = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    for _ in range(20):
        lt.bdecode(data)
    theirs = (time.perf_counter() - start) / 20
    assert ours < max(20 * theirs, 0.005)
