"""Every torrent of the shared corpus against libtorrent 2.1.1, our oracle.

If libtorrent refuses a file, we refuse it with a reason. If libtorrent
accepts it, we accept it with the same info-hashes, file list (padding
aside), total and piece count -- or we refuse it for one of the reasons in
``PATH_HAZARDS`` below, which documents each such file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from anirena.metainfo import MetainfoError, parse_torrent
from anirena.testing import shared_data, shared_data_dir

from .conftest import load_lt, lt_hashes

#: files libtorrent loads (after quietly renaming something) that we refuse
#: under the path rules, with the reason
PATH_HAZARDS = {
    "absolute_filename.torrent": ("unsafe-path", "path element '/foobar' is absolute"),
    "backslash_path.torrent": ("unsafe-path", "path elements '\\' (a Windows root)"),
    "hidden_parent_path.torrent": ("unsafe-path", "element 'foo/../../../bar' hides '..'"),
    "parent_path.torrent": ("unsafe-path", "path elements '..'"),
    "slash_path.torrent": ("unsafe-path", "path elements '/'"),
    "slash_path2.torrent": ("unsafe-path", "element 'abc/../../def' hides '..'"),
    "slash_path3.torrent": ("unsafe-path", "name 'temp/../../abc' hides '..'"),
    "invalid_directory_name.torrent": ("unsafe-path", "folder names '/' and '\\'"),
    "invalid_filename.torrent": ("unsafe-path", "name '\\est2' starts with a backslash"),
    "invalid_filename2.torrent": ("unsafe-path", "name '\\est2' starts with a backslash"),
    "invalid_name2.torrent": ("unsafe-path", "name '..'"),
    "symlink_filtered_path.torrent": ("unsafe-path", "folder '/' in the path and symlink target"),
    "v2_invalid_filename.torrent": ("unsafe-path", "name '\\xffest/MB' contains '/'"),
    "v2_invalid_filename2.torrent": ("unsafe-path", "file tree keys '//' and '\\'"),
    "duplicate_files.torrent": ("duplicate-path", "two files 'foo/bar.txt'"),
    "empty_path_multi.torrent": ("duplicate-path", "two files whose path is one empty element"),
}


def _corpus() -> list[Path]:
    base = shared_data_dir() / "torrents"
    files = []
    for folder in ("test_torrents", "mutable_test_torrents", "bench-torrents"):
        files += sorted((base / "libtorrent" / folder).glob("*.torrent"))
    files += sorted((base / "webtorrent").glob("*.torrent"))
    return files


CORPUS = _corpus()


def test_corpus_is_present():
    shared_data("torrents", "libtorrent", "test_torrents")
    shared_data("torrents", "webtorrent")
    assert len(CORPUS) == 108 + 8 + 3 + 9


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_file(path, lt):
    data = path.read_bytes()
    ti = load_lt(lt, data)
    try:
        meta = parse_torrent(data)
    except MetainfoError as exc:
        meta = None
        error = exc
    if isinstance(ti, Exception):
        assert meta is None, f"libtorrent refuses ({ti}) but we accept"
        assert error.code and len(error.message) > 20
        assert path.name not in PATH_HAZARDS
        return
    if meta is None:
        assert path.name in PATH_HAZARDS, f"libtorrent accepts, we refuse: {error.code}: {error}"
        assert error.code == PATH_HAZARDS[path.name][0], error
        return
    assert path.name not in PATH_HAZARDS, "listed as a path hazard but accepted"
    assert (meta.info_hash_v1, meta.info_hash_v2) == lt_hashes(ti)
    fs = ti.files()
    lt_files = [
        (fs.file_path(i), fs.file_size(i))
        for i in range(fs.num_files())
        if not fs.file_flags(i) & lt.file_storage.flag_pad_file
    ]
    prefix = ti.name() + "/" if meta.multi_file else ""
    ours = [(prefix + f.path, f.size) for f in meta.files]
    if path.name == "long_name.torrent":  # libtorrent truncates names at 240 bytes
        ours = [(p[:240] + p[-9:], s) for p, s in ours]
        lt_files = [(p[:240] + p[-9:], s) for p, s in lt_files]
    assert ours == lt_files
    assert meta.total_size == sum(size for _, size in lt_files)
    assert meta.piece_count == ti.num_pieces()
    assert meta.piece_length == ti.piece_length()
    assert meta.private == ti.priv()
    assert meta.info_bytes == data[slice(*meta.info_span)]
    version = {(True, False): "v1", (False, True): "v2", (True, True): "hybrid"}
    assert meta.version == version[(meta.info_hash_v1 is not None, meta.info_hash_v2 is not None)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lt_urls = {t.url for t in ti.trackers()}
    assert lt_urls <= set(meta.all_trackers)


def test_known_hashes():
    base = shared_data("torrents", "libtorrent", "test_torrents")
    meta = parse_torrent((base / "v2.torrent").read_bytes())
    assert meta.version == "hybrid"
    assert meta.info_hash_v1 == "c14199bbec64d0e9e439aa3b6b7639e666b86eca"
    assert meta.info_hash_v2 == "597b180c1a170a585dfc5e85d834d69013ceda174b8f357d5bb1a0ca509faf0a"
    meta = parse_torrent((base / "v2_hybrid.torrent").read_bytes())
    assert meta.info_hash_v1 == "514c76c1f27ec61ca8b37851bcd1cbf0b26cf120"
    assert len(meta.files) == 9 and all(".pad" not in f.path for f in meta.files)
    assert meta.trackers == ()
    meta = parse_torrent((base / "v2_only.torrent").read_bytes())
    assert meta.version == "v2" and meta.info_hash_v1 is None
    assert meta.info_hash_v2 == "95e04d0c4bad94ab206efa884666fd89777dbe4f7bd9945af1829037a85c6192"
    meta = parse_torrent((base / "base.torrent").read_bytes())
    assert meta.version == "v1" and meta.info_hash_v1 == "c0fda1edafdbdbb96443424e0b3899af7159d10e"


def test_specific_verdicts():
    base = shared_data("torrents", "libtorrent", "test_torrents")

    def code(name):
        with pytest.raises(MetainfoError) as info:
            parse_torrent((base / name).read_bytes())
        return info.value.code

    assert code("string.torrent") == "not-a-dictionary"
    assert code("invalid_info.torrent") == "missing-info"
    assert code("no_name.torrent") == "bad-name"
    assert code("invalid_name.torrent") == "bad-name"
    assert code("invalid_piece_len.torrent") == "bad-piece-length"
    assert code("negative_piece_len.torrent") == "bad-piece-length"
    assert code("unaligned_pieces.torrent") == "bad-pieces"
    assert code("invalid_pieces.torrent") == "bad-pieces"
    assert code("zero.torrent") == "zero-size"
    assert code("zero2.torrent") == "zero-size"
    assert code("many_pieces.torrent") == "too-many-pieces"
    assert code("v2_large_offset.torrent") == "too-many-pieces"
    assert code("duplicate_files2.torrent") == "duplicate-path"
    assert code("no_files.torrent") == "no-files"
    assert code("v2_unordered_files.torrent") == "non-canonical-bencoding"
    assert code("v2_overlong_integer.torrent") == "invalid-bencoding"
    assert code("v2_deep_recursion.torrent") == "invalid-bencoding"
    assert code("v2_bad_file_alignment.torrent") == "hybrid-mismatch"
    assert code("v2_invalid_pad_file.torrent") == "bad-pad-file"
    assert code("v2_zero_root.torrent") == "missing-pieces-root"
    assert code("v2_zero_root_small.torrent") == "missing-pieces-root"
    assert code("v2_missing_file_root_invalid_symlink.torrent") == "missing-pieces-root"
    assert code("v2_no_power2_piece.torrent") == "bad-piece-length"
    assert code("v2_large_file.torrent") == "bad-length"
    for name in (
        "v2_invalid_piece_layer.torrent",
        "v2_invalid_piece_layer_root.torrent",
        "v2_invalid_piece_layer_size.torrent",
        "v2_invalid_root_hash.torrent",
        "v2_non_multiple_piece_layer.torrent",
        "v2_piece_layer_invalid_file_hash.torrent",
        "v2_unknown_piece_layer_entry.torrent",
    ):
        assert code(name) == "bad-piece-layer", name


def test_accepted_oddities():
    base = shared_data("torrents", "libtorrent", "test_torrents")
    meta = parse_torrent((base / "unordered.torrent").read_bytes())
    assert any("out of sorted order at info/length" in w for w in meta.warnings)
    meta = parse_torrent((base / "pad_file.torrent").read_bytes())
    assert [f.path for f in meta.files] == ["foo/bar.txt"]
    assert meta.total_size == 45
    meta = parse_torrent((base / "pad_file_no_path.torrent").read_bytes())
    assert [f.path for f in meta.files] == ["foo/bar.txt"]
    meta = parse_torrent((base / "sample.torrent").read_bytes())
    assert [f.path for f in meta.files] == ["text_file2.txt", "text_file.txt"]
    meta = parse_torrent((base / "large_piece_size.torrent").read_bytes())
    assert meta.piece_length == 32767 * 16384
    assert any("whitespace after the end" in w for w in meta.warnings)
    meta = parse_torrent((base / "creation_date.torrent").read_bytes())
    assert meta.creation_date is not None and meta.creation_date.timestamp() == 1234567
    meta = parse_torrent((base / "whitespace_url.torrent").read_bytes())
    assert meta.trackers == (("udp://test.com/announce",),)
    meta = parse_torrent((base / "url_list3.torrent").read_bytes())
    assert meta.web_seeds == ()
    meta = parse_torrent((base / "duplicate_web_seeds.torrent").read_bytes())
    assert len(meta.web_seeds) == len(set(meta.web_seeds)) == 3
    meta = parse_torrent((base / "empty_path.torrent").read_bytes())
    assert [f.path for f in meta.files] == ["_/_"]
    meta = parse_torrent((base / "symlink1.torrent").read_bytes())
    assert [(f.path, f.size, f.symlink_to) for f in meta.files] == [
        ("a/b/bar", 425, None),
        ("a/b/foo", 0, "a/b/bar"),
    ]
    assert meta.total_size == 425
    meta = parse_torrent((base / "symlink_zero_size.torrent").read_bytes())
    assert meta.files[1].symlink_to == "a/b/bar" and meta.files[1].attr == "l"
    meta = parse_torrent((base / "v2_symlinks.torrent").read_bytes())
    links = {f.path: f.symlink_to for f in meta.files if f.symlink_to}
    assert links["Headers"] == "Versions/Current/Headers"
    meta = parse_torrent((base / "v2_incomplete_piece_layer.torrent").read_bytes())
    assert any("no piece layer" in w for w in meta.warnings)
    meta = parse_torrent((base / "v2_hybrid-missing-tailpad.torrent").read_bytes())
    assert meta.version == "hybrid"


def test_webtorrent_dates_in_milliseconds():
    base = shared_data("torrents", "webtorrent")
    meta = parse_torrent((base / "alice.torrent").read_bytes())
    assert meta.creation_date is not None
    assert meta.creation_date.year == 2016 and meta.creation_date.tzinfo is not None
    assert meta.info_hash_v1 == "722fe65b2aa26d14f35b4ad627d20236e481d924"
    meta = parse_torrent((base / "leaves-metadata.torrent").read_bytes())
    assert meta.trackers == ()
