"""Random mutations of real torrents: only MetainfoError/BencodeError may escape."""

from __future__ import annotations

import random

import pytest

from anirena.metainfo import BencodeError, MetainfoError, decode, parse_torrent
from anirena.testing import shared_data

SEEDS = [
    ("test_torrents", "base.torrent"),
    ("test_torrents", "sample.torrent"),
    ("test_torrents", "v2.torrent"),
    ("test_torrents", "v2_multiple_files.torrent"),
    ("test_torrents", "v2_symlinks.torrent"),
    ("test_torrents", "symlink2.torrent"),
    ("test_torrents", "v2_hybrid-missing-tailpad.torrent"),
    ("mutable_test_torrents", "test1_pad_files.torrent"),
    ("bench-torrents", "base-v2.torrent"),
]
TOKENS = [b"e", b"d", b"l", b"i", b"0", b":", b"-", b"i-0e", b"i01e", b"0:", b"99999:", b"de", b"le", b"\x00", b"..", b"/"]


def _mutate(rnd: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(6)
        pos = rnd.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rnd.randrange(256)
        elif op == 1:  # insert a bencode-ish token
            buf[pos:pos] = rnd.choice(TOKENS)
        elif op == 2 and buf:  # delete a run
            del buf[pos : pos + rnd.randint(1, 8)]
        elif op == 3:  # truncate
            del buf[pos:]
        elif op == 4 and buf:  # change a digit (lengths, sizes)
            digits = [i for i, b in enumerate(buf) if 0x30 <= b <= 0x39]
            if digits:
                buf[rnd.choice(digits)] = rnd.randrange(0x30, 0x3A)
        else:  # duplicate a slice somewhere else
            start = rnd.randrange(len(buf) + 1)
            chunk = buf[start : start + rnd.randint(1, 32)]
            buf[pos:pos] = chunk
    return bytes(buf)


@pytest.mark.parametrize("folder,name", SEEDS, ids=[n for _, n in SEEDS])
def test_mutations_fail_cleanly(folder, name):
    data = shared_data("torrents", "libtorrent", folder, name).read_bytes()
    rnd = random.Random(f"anirena-{name}")
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(400):
        mutated = _mutate(rnd, data)
        try:
            meta = parse_torrent(mutated)
        except MetainfoError as exc:
            assert exc.code and exc.message
            outcomes["refused"] += 1
        else:
            outcomes["ok"] += 1
            assert meta.info_bytes == mutated[slice(*meta.info_span)]
        try:
            decode(mutated)
        except BencodeError:
            pass
    assert outcomes["refused"] > 0


def test_mutations_agree_with_libtorrent_on_refusals(lt):
    """Whatever libtorrent refuses among mutated files, we refuse as well."""
    data = shared_data("torrents", "libtorrent", "test_torrents", "v2_multiple_files.torrent").read_bytes()
    rnd = random.Random(7)
    for _ in range(500):
        mutated = _mutate(rnd, data)
        try:
            lt.torrent_info(mutated)
            lt_ok = True
        except RuntimeError:
            lt_ok = False
        try:
            parse_torrent(mutated)
            ours = True
        except MetainfoError:
            ours = False
        if not lt_ok:
            assert not ours, mutated
