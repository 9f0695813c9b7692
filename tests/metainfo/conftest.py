"""Fixtures for the metainfo tests: the libtorrent oracle and torrent factories."""

from __future__ import annotations

import random
import pytest

from anirena.testing import need


@pytest.fixture(scope="session")
def lt():
    """The libtorrent Python bindings, our oracle (skipped when missing)."""
    try:
        import libtorrent
    except ImportError:  # pragma: no cover - depends on the machine
        libtorrent = None
    need(libtorrent is not None, "libtorrent Python bindings are not installed")
    return libtorrent


@pytest.fixture
def make_torrent(lt, tmp_path_factory):
    """Build a real torrent with libtorrent from generated files.

    ``make_torrent([("a.bin", 40000), ("d/b.bin", 100)], mode="hybrid")``
    returns the .torrent bytes. ``mode`` is "v1", "v2" or "hybrid".
    """

    def build(
        files,
        *,
        mode="hybrid",
        piece_length=16384,
        private=False,
        trackers=(),
        name="root",
        seed=0,
        comment=None,
        creator=None,
    ):
        rnd = random.Random(seed)
        base = tmp_path_factory.mktemp("content")
        if len(files) == 1 and files[0][0] == name:
            # a single-file torrent: the content is the file itself
            (base / name).write_bytes(rnd.randbytes(files[0][1]))
        for path, size in files:
            if path == name and len(files) == 1:
                continue
            full = base / name / path
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(rnd.randbytes(size))
        fs = lt.file_storage()
        lt.add_files(fs, str(base / name))
        flags = {
            "v1": lt.create_torrent.v1_only,
            "v2": lt.create_torrent.v2_only,
            "hybrid": 0,
        }[mode]
        ct = lt.create_torrent(fs, piece_length, flags=flags)
        for tier, url in enumerate(trackers):
            ct.add_tracker(url, tier)
        ct.set_priv(private)
        if comment:
            ct.set_comment(comment)
        if creator:
            ct.set_creator(creator)
        lt.set_piece_hashes(ct, str(base))
        return lt.bencode(ct.generate())

    return build


def load_lt(lt, data: bytes):
    """Return libtorrent's torrent_info for ``data`` or the exception it raised."""
    try:
        return lt.torrent_info(data)
    except RuntimeError as exc:
        return exc


def lt_hashes(ti):
    """(v1 hex or None, v2 hex or None) of a torrent_info or add_torrent_params."""
    ih = ti.info_hashes
    if callable(ih):
        ih = ih()
    return (str(ih.v1) if ih.has_v1() else None, str(ih.v2) if ih.has_v2() else None)
