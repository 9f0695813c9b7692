"""Torrents made by libtorrent itself: v1, v2 and hybrid, with and without padding."""

from __future__ import annotations

import pytest

from anirena.metainfo import parse_torrent

from .conftest import lt_hashes

LAYOUTS = {
    "single": [("root", 100_000)],
    "single-small": [("root", 10)],
    "multi": [("a.mkv", 40_000), ("sub/b.srt", 20_000), ("sub/c.txt", 3), ("z.nfo", 16384)],
    "multi-empty-file": [("a.bin", 40_000), ("empty.txt", 0), ("b.bin", 70_000)],
    "unicode": [("日本語/第01話.mkv", 50_000), ("Ünïcode ü.txt", 12)],
}


def _lt_files(lt, ti, multi):
    fs = ti.files()
    out = []
    for i in range(fs.num_files()):
        if fs.file_flags(i) & lt.file_storage.flag_pad_file:
            continue
        path = fs.file_path(i)
        if multi:
            path = path.split("/", 1)[1]
        out.append((path, fs.file_size(i)))
    return out


@pytest.mark.parametrize("mode", ["v1", "v2", "hybrid"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("piece_length", [16384, 65536])
def test_created_by_libtorrent(lt, make_torrent, mode, layout, piece_length):
    files = LAYOUTS[layout]
    data = make_torrent(files, mode=mode, piece_length=piece_length, seed=len(layout))
    meta = parse_torrent(data)
    ti = lt.torrent_info(data)
    assert (meta.info_hash_v1, meta.info_hash_v2) == lt_hashes(ti)
    assert meta.version == mode
    assert meta.name == ti.name()
    ours = [(f.path, f.size) for f in meta.files]
    assert ours == _lt_files(lt, ti, meta.multi_file)
    assert sorted(ours) == sorted(files)
    assert meta.multi_file is (layout not in ("single", "single-small"))
    assert meta.total_size == sum(size for _, size in files)
    assert meta.piece_count == ti.num_pieces()
    assert meta.piece_length == piece_length
    assert not meta.private
    assert meta.warnings == ()


def test_hybrid_padding_is_hidden(lt, make_torrent):
    data = make_torrent([("a.bin", 40_000), ("b.bin", 20_000), ("c.bin", 5)], mode="hybrid")
    raw_files = lt.bdecode(data)[b"info"][b"files"]
    assert sum(1 for f in raw_files if b"p" in f.get(b"attr", b"")) == 3
    meta = parse_torrent(data)
    assert [f.path for f in meta.files] == ["a.bin", "b.bin", "c.bin"]
    assert meta.total_size == 60_005
    assert lt.torrent_info(data).total_size() > meta.total_size  # libtorrent counts padding


def test_private_and_trackers(lt, make_torrent):
    data = make_torrent(
        [("x.bin", 1000)],
        mode="v1",
        private=True,
        trackers=["https://a.example/announce", "udp://b.example:80", "https://a.example/announce"],
        comment="hello",
        creator="AniRena tests",
    )
    meta = parse_torrent(data)
    assert meta.private is True and lt.torrent_info(data).priv()
    assert meta.trackers == (("https://a.example/announce",), ("udp://b.example:80",))
    assert meta.comment == "hello"
    assert meta.created_by == "AniRena tests"
    assert meta.creation_date is not None
