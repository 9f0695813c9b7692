"""Edge cases built by mutating real torrents, each checked against libtorrent.

Every case either agrees with libtorrent 2.1.1 (accepted by both with the
same info-hashes, or refused by both) or is one of our documented deliberate
refusals (``stricter=<code>``): libtorrent accepts it, we refuse it.
"""

from __future__ import annotations


import pytest

from anirena.metainfo import MetainfoError, parse_torrent
from anirena.metainfo.bencode import Raw, decode, encode
from anirena.metainfo.files import MAX_FILE_SIZE, MAX_PIECE_LENGTH, MAX_PIECES

from .conftest import load_lt, lt_hashes

BIG = 64 * 1024 * 1024


def unsorted(d: dict) -> Raw:
    """Encode a dictionary with its keys in reverse order."""
    return Raw(b"d" + b"".join(encode(k) + encode(v) for k, v in sorted(d.items(), reverse=True)) + b"e")


def v1_doc(**info):
    base = {b"name": b"x", b"piece length": 16384, b"length": 425, b"pieces": b"a" * 20}
    base.update({k.replace("_", " ").encode(): v for k, v in info.items()})
    return {b"info": base}


def files_doc(files, extra=None):
    total = sum(f.get(b"length", 0) for f in files if isinstance(f, dict) and isinstance(f.get(b"length"), int))
    extra = extra or {}
    piece_length = extra.get(b"piece length", 16384)
    info = {b"name": b"x", b"piece length": piece_length, b"files": files}
    info[b"pieces"] = b"a" * 20 * -(-total // piece_length)
    info.update(extra)
    return {b"info": info}


# ---- v1 cases: (id, document or bytes, stricter code or None) -------------

V1_CASES = [
    ("piece-length-max", v1_doc(piece_length=MAX_PIECE_LENGTH), None),
    ("piece-length-over-max", v1_doc(piece_length=MAX_PIECE_LENGTH + 1), None),
    ("piece-length-1", v1_doc(piece_length=1, pieces=b"a" * 20 * 425), None),
    ("piece-length-zero", v1_doc(piece_length=0), None),
    ("file-size-max", v1_doc(piece_length=2**28, length=MAX_FILE_SIZE, pieces=b"a" * 20 * 65536), None),
    ("file-size-over-max", v1_doc(piece_length=2**28, length=MAX_FILE_SIZE + 1, pieces=b"a" * 20 * 65536), None),
    (
        "total-over-2^48",
        files_doc([{b"length": MAX_FILE_SIZE, b"path": [b"f%d" % i]} for i in range(17)], {b"piece length": 2**28}),
        None,
    ),
    ("pieces-too-long", v1_doc(pieces=b"a" * 40), None),
    ("pieces-missing", {b"info": {b"name": b"x", b"piece length": 16384, b"length": 5}}, None),
    ("name-empty-single", v1_doc(name=b""), None),
    ("name-not-string", v1_doc(name=5), None),
    ("name-utf8-preferred", v1_doc(**{"name.utf-8": b"good"}), None),
    ("meta-version-1-unsorted", {b"info": unsorted(v1_doc(meta_version=1)[b"info"])}, None),
    ("meta-version-0-unsorted", {b"info": unsorted(v1_doc(meta_version=0)[b"info"])}, None),
    ("meta-version-string", v1_doc(meta_version=b"2"), None),
    ("meta-version-3", v1_doc(meta_version=3), None),
    ("meta-version-2-no-tree", v1_doc(meta_version=2), None),
    ("file-tree-without-meta-version", v1_doc(file_tree={b"a": {b"": {b"length": 5}}}), None),
    ("unsorted-outer", unsorted({b"info": v1_doc()[b"info"], b"comment": b"x"}), None),
    ("files-entry-not-dict", files_doc([{b"length": 5, b"path": [b"a"]}, 5]), None),
    ("files-path-empty-list", files_doc([{b"length": 5, b"path": []}]), None),
    ("files-path-string", files_doc([{b"length": 5, b"path": b"a"}]), None),
    ("files-path-utf8-int", files_doc([{b"length": 5, b"path": [b"a"], b"path.utf-8": [5]}]), None),
    ("files-path-utf8-empty", files_doc([{b"length": 5, b"path": [b"a"], b"path.utf-8": []}]), None),
    ("files-length-missing", files_doc([{b"path": [b"a"]}, {b"length": 5, b"path": [b"b"]}]), None),
    ("files-length-string", files_doc([{b"length": b"5", b"path": [b"a"]}]), None),
    ("files-all-empty", files_doc([{b"length": 0, b"path": [b"a"]}]), None),
    ("files-and-length", files_doc([{b"length": 5, b"path": [b"a"]}], {b"length": 5}), None),
    ("files-not-a-list", v1_doc(files=b"x"), None),
    ("private-2", v1_doc(private=2), None),
    ("private-string", v1_doc(private=b"1"), None),
    ("attr-int", files_doc([{b"length": 5, b"path": [b"a"], b"attr": 5}]), None),
    ("symlink-without-target", files_doc([{b"length": 5, b"path": [b"a"]}, {b"length": 7, b"attr": b"l", b"path": [b"b"]}]), None),
    ("undecodable-name", v1_doc(name=b"\xff\xfe"), None),
    ("info-list", {b"info": []}, None),
    ("first-info-not-dict", b"d4:infole4:info" + encode(v1_doc()[b"info"]) + b"e", None),
    ("dot-path-elements", files_doc([{b"length": 5, b"path": [b".", b"a"]}]), None),
    ("case-only-duplicate", files_doc([{b"length": 5, b"path": [b"A"]}, {b"length": 5, b"path": [b"a"]}]), None),
    # our deliberate refusals
    ("symlink-target-parent", files_doc([{b"length": 5, b"path": [b"a"]}, {b"length": 0, b"attr": b"l", b"path": [b"b"], b"symlink path": [b"..", b"etc"]}]), "unsafe-path"),
    ("nul-in-name", v1_doc(name=b"a\x00b"), "unsafe-path"),
    ("nul-in-path", files_doc([{b"length": 5, b"path": [b"a\x00b"]}]), "unsafe-path"),
    ("drive-letter", files_doc([{b"length": 5, b"path": [b"C:evil"]}]), "unsafe-path"),
    ("slash-inside", files_doc([{b"length": 5, b"path": [b"a/b"]}]), "unsafe-path"),
    ("backslash-parent", files_doc([{b"length": 5, b"path": [b"a\\..\\b"]}]), "unsafe-path"),
    ("file-and-folder", files_doc([{b"length": 5, b"path": [b"a"]}, {b"length": 5, b"path": [b"a", b"b"]}]), "duplicate-path"),
    ("only-padding", files_doc([{b"length": 5, b"attr": b"p", b"path": [b"a"]}]), "zero-size"),
    ("magnet-uri-only", {b"magnet-uri": b"magnet:?xt=urn:btih:" + b"a" * 40}, "missing-info"),
    ("trailing-junk", encode(v1_doc()) + b"junk", "invalid-bencoding"),
    ("leading-zero-int", encode(v1_doc()).replace(b"i16384e", b"i016384e"), "invalid-bencoding"),
    ("negative-zero", encode(v1_doc(x=0)).replace(b"i0e", b"i-0e"), "invalid-bencoding"),
]


def check_against_libtorrent(lt, data: bytes, stricter: str | None):
    ti = load_lt(lt, data)
    try:
        meta = parse_torrent(data, max_size=BIG)
    except MetainfoError as exc:
        if isinstance(ti, Exception):
            assert stricter is None, f"listed as stricter but libtorrent refuses too: {ti}"
            return exc
        assert stricter is not None, f"libtorrent accepts, we refuse: {exc.code}: {exc}"
        assert exc.code == stricter, exc
        return exc
    assert stricter is None, f"expected refusal {stricter}, accepted"
    assert not isinstance(ti, Exception), f"libtorrent refuses ({ti}) but we accept"
    assert (meta.info_hash_v1, meta.info_hash_v2) == lt_hashes(ti)
    assert meta.piece_count == ti.num_pieces()
    assert meta.private == ti.priv()
    return meta


@pytest.mark.parametrize("case,doc,stricter", V1_CASES, ids=[c[0] for c in V1_CASES])
def test_v1_edge_cases(lt, case, doc, stricter):
    data = doc if isinstance(doc, bytes) else encode(doc)
    result = check_against_libtorrent(lt, data, stricter)
    if case == "name-utf8-preferred":
        assert result.name == "good"
    if case == "case-only-duplicate":
        assert any("letter case" in w for w in result.warnings)
    if case == "files-and-length":
        assert any("'length' is ignored" in w for w in result.warnings)
    if case == "unsorted-outer":
        assert any("out of sorted order" in w for w in result.warnings)


@pytest.mark.parametrize("pieces,refused", [(MAX_PIECES, False), (MAX_PIECES + 1, True)])
def test_piece_count_limit(lt, pieces, refused):
    data = encode(v1_doc(piece_length=16, length=pieces * 16, pieces=b"a" * 20 * pieces))
    result = check_against_libtorrent(lt, data, None)
    if refused:
        assert result.code == "too-many-pieces"
    # the default 10 MiB size limit comes first for such a file
    with pytest.raises(MetainfoError) as info:
        parse_torrent(data)
    assert info.value.code == "too-large"


# ---- hybrid cases --------------------------------------------------------


def _pad(n):
    return {b"attr": b"p", b"length": n, b"path": [b".pad", str(n).encode()]}


def _files(t):
    return t[b"info"][b"files"]


def _tree(t):
    return t[b"info"][b"file tree"]


def _add_link(t, v1_target, v2_target, v1_attr=b"l"):
    _tree(t)[b"c.lnk"] = {b"": {b"attr": b"l", b"length": 0, b"symlink path": v2_target}}
    entry = {b"attr": v1_attr, b"length": 0, b"path": [b"c.lnk"]}
    if v1_target is not None:
        entry[b"symlink path"] = v1_target
    _files(t)[-1:] = [entry]


def _empty_middle(t, order):
    _tree(t)[b"a2.txt"] = {b"": {b"length": 0}}
    a, pad, b, tail = _files(t)
    _files(t)[:] = order(a, pad, {b"length": 0, b"path": [b"a2.txt"]}, b, tail)


# base: a.bin (40000), pad 9152, b.bin (20000), pad 12768; piece length 16 KiB
HYBRID_CASES = [
    ("unchanged", lambda t: None, None),
    ("no-tail-pad", lambda t: _files(t).pop(), None),
    ("tail-pad-wrong-size", lambda t: _files(t)[-1].__setitem__(b"length", 12769), None),
    ("tail-pad-zero", lambda t: _files(t)[-1].__setitem__(b"length", 0), None),
    ("extra-tail-pad", lambda t: _files(t).append(_pad(16384)), None),
    ("pad-renamed", lambda t: _files(t)[1].__setitem__(b"path", [b".pad", b"x"]), None),
    ("pad-legacy-name", lambda t: _files(t).__setitem__(1, {b"length": 9152, b"path": [b"_____padding_file_0"]}), None),
    ("pad-without-path", lambda t: _files(t)[1].pop(b"path"), None),
    ("pad-dropped", lambda t: _files(t).pop(1), None),
    ("pad-split", lambda t: _files(t).__setitem__(slice(1, 2), [_pad(5000), _pad(4152)]), None),
    ("v1-path-differs", lambda t: _files(t)[0].__setitem__(b"path", [b"z.bin"]), None),
    ("v1-path-case-differs", lambda t: _files(t)[2].__setitem__(b"path", [b"B.bin"]), None),
    ("v1-path-utf8-differs", lambda t: _files(t)[0].__setitem__(b"path.utf-8", [b"q.bin"]), None),
    ("v1-attr-x-only", lambda t: _files(t)[0].__setitem__(b"attr", b"x"), None),
    ("v1-mtime-only", lambda t: _files(t)[0].__setitem__(b"mtime", 5), None),
    ("real-file-marked-pad", lambda t: _files(t)[0].__setitem__(b"attr", b"p"), None),
    ("extra-v2-file", lambda t: _tree(t).__setitem__(b"x", _tree(t)[b"b.bin"]), None),
    ("pieces-short", lambda t: t[b"info"].__setitem__(b"pieces", t[b"info"][b"pieces"][:-20]), None),
    ("no-files-list", lambda t: t[b"info"].pop(b"files"), None),
    ("length-instead-of-files", lambda t: (t[b"info"].pop(b"files"), t[b"info"].__setitem__(b"length", 60000)), None),
    ("symlink-same", lambda t: _add_link(t, [b"a.bin"], [b"a.bin"]), None),
    ("empty-file-pad-before", lambda t: _empty_middle(t, lambda a, p, e, b, tl: [a, p, e, b, tl]), None),
    ("empty-file-pad-after", lambda t: _empty_middle(t, lambda a, p, e, b, tl: [a, e, p, b, tl]), None),
    ("empty-file-no-pad", lambda t: _empty_middle(t, lambda a, p, e, b, tl: [a, e, b, tl]), None),
    ("unsorted-info", lambda t: t.__setitem__(b"info", unsorted(t[b"info"])), None),
    # our deliberate refusals
    ("empty-files-list", lambda t: t[b"info"].__setitem__(b"files", []), "no-files"),
    ("no-pieces", lambda t: t[b"info"].pop(b"pieces"), "bad-pieces"),
    ("symlink-targets-differ", lambda t: _add_link(t, [b"b.bin"], [b"a.bin"]), "hybrid-mismatch"),
    ("symlink-only-in-v2", lambda t: _add_link(t, None, [b"a.bin"], v1_attr=b""), "hybrid-mismatch"),
]


@pytest.mark.parametrize("case,mutate,stricter", HYBRID_CASES, ids=[c[0] for c in HYBRID_CASES])
def test_hybrid_edge_cases(lt, make_torrent, case, mutate, stricter):
    data = make_torrent([("a.bin", 40000), ("b.bin", 20000)], mode="hybrid", seed=3)
    t = decode(data)
    mutate(t)
    check_against_libtorrent(lt, encode(t), stricter)


# ---- v2 cases -------------------------------------------------------------


def _leaf(t, name):
    return _tree(t)[name][b""]


def _layer_key(t, size_hashes):
    return next(k for k, v in t[b"piece layers"].items() if len(v) == size_hashes * 32)


V2_CASES = [
    ("unchanged", lambda t: None, None),
    ("empty-file-zero-root", lambda t: _leaf(t, b"e.bin").__setitem__(b"pieces root", bytes(32)), None),
    ("empty-file-some-root", lambda t: _leaf(t, b"e.bin").__setitem__(b"pieces root", b"\1" * 32), None),
    ("small-file-no-root", lambda t: _leaf(t, b"s.bin").pop(b"pieces root"), None),
    ("small-file-short-root", lambda t: _leaf(t, b"s.bin").__setitem__(b"pieces root", b"\1" * 31), None),
    ("small-file-other-root", lambda t: _leaf(t, b"s.bin").__setitem__(b"pieces root", b"\1" * 32), None),
    ("big-file-other-root", lambda t: _leaf(t, b"a.bin").__setitem__(b"pieces root", b"\1" * 32), None),
    ("no-piece-layers", lambda t: t.pop(b"piece layers"), None),
    ("piece-layers-not-dict", lambda t: t.__setitem__(b"piece layers", b"x"), None),
    ("unknown-layer", lambda t: t[b"piece layers"].__setitem__(b"\2" * 32, bytes(64)), None),
    ("layer-key-31-bytes", lambda t: t[b"piece layers"].__setitem__(b"\2" * 31, bytes(64)), None),
    ("layer-not-string", lambda t: t[b"piece layers"].__setitem__(_layer_key(t, 3), 7), None),
    ("layer-dropped", lambda t: t[b"piece layers"].pop(_layer_key(t, 3)), None),
    ("layer-too-long", lambda t: t[b"piece layers"].__setitem__(_layer_key(t, 3), bytes(128)), None),
    ("layer-not-multiple-of-32", lambda t: t[b"piece layers"].__setitem__(_layer_key(t, 3), bytes(95)), None),
    ("layer-corrupted", lambda t: t[b"piece layers"].__setitem__(_layer_key(t, 3), bytes(96)), None),
    ("layer-for-small-file", lambda t: t[b"piece layers"].__setitem__(_leaf(t, b"s.bin")[b"pieces root"], bytes(32)), None),
    ("pad-attr", lambda t: _leaf(t, b"a.bin").__setitem__(b"attr", b"p"), None),
    ("attr-x-and-h", lambda t: _leaf(t, b"a.bin").__setitem__(b"attr", b"xh"), None),
    ("negative-length", lambda t: _leaf(t, b"a.bin").__setitem__(b"length", -1), None),
    ("string-length", lambda t: _leaf(t, b"a.bin").__setitem__(b"length", b"5"), None),
    ("extra-key-in-leaf", lambda t: _leaf(t, b"a.bin").__setitem__(b"x", 1), None),
    ("file-with-sibling", lambda t: _tree(t)[b"a.bin"].__setitem__(b"x", {b"": {b"length": 5, b"pieces root": b"\1" * 32}}), None),
    ("empty-folder", lambda t: _tree(t).__setitem__(b"dir", {}), None),
    ("folder-not-dict", lambda t: _tree(t).__setitem__(b"dir", 5), None),
    ("leaf-not-dict", lambda t: _tree(t).__setitem__(b"dir", {b"": 5}), None),
    ("empty-tree", lambda t: t[b"info"].__setitem__(b"file tree", {}), None),
    ("piece-length-not-power-of-two", lambda t: t[b"info"].__setitem__(b"piece length", 3 * 16384), None),
    ("piece-length-8k", lambda t: t[b"info"].__setitem__(b"piece length", 8192), None),
    ("unsorted-tree", lambda t: t[b"info"].__setitem__(b"file tree", unsorted(_tree(t))), None),
    ("unsorted-piece-layers", lambda t: t.__setitem__(b"piece layers", unsorted(t[b"piece layers"])), None),
    ("duplicate-key-in-info", lambda t: t.__setitem__(b"info", Raw(encode(t[b"info"])[:-1] + b"4:name1:xe")), None),
    ("v1-pieces-without-v1-files", lambda t: t[b"info"].__setitem__(b"pieces", b"a" * 20 * 9), None),
    ("link-attr-no-target-big", lambda t: _leaf(t, b"a.bin").__setitem__(b"attr", b"l"), None),
    ("link-attr-no-target-small", lambda t: _leaf(t, b"s.bin").__setitem__(b"attr", b"l"), None),
    ("symlink-parent", lambda t: _tree(t).__setitem__(b"l", {b"": {b"attr": b"l", b"length": 0, b"symlink path": [b".."]}}), "unsafe-path"),
    ("dotdot-key", lambda t: _tree(t).__setitem__(b"..", {b"x": {b"": {b"length": 5, b"pieces root": b"\1" * 32}}}), "unsafe-path"),
]


@pytest.mark.parametrize("case,mutate,stricter", V2_CASES, ids=[c[0] for c in V2_CASES])
def test_v2_edge_cases(lt, make_torrent, case, mutate, stricter):
    files = [("a.bin", 40000), ("e.bin", 0), ("s.bin", 100), ("big.bin", 70000)]
    data = make_torrent(files, mode="v2", seed=2)
    t = decode(data)
    mutate(t)
    result = check_against_libtorrent(lt, encode(t), stricter)
    if case in ("layer-dropped", "no-piece-layers"):
        assert any("piece layer" in w for w in result.warnings)
    if case == "unsorted-tree":
        assert result.code == "non-canonical-bencoding"


def test_merkle_root_of_real_layers(make_torrent):
    from anirena.metainfo.v2 import merkle_root_from_layer

    for piece_length in (16384, 32768, 65536):
        data = make_torrent([("a.bin", 300_000), ("b.bin", 70_000)], mode="v2", piece_length=piece_length)
        t = decode(data)
        layers = t[b"piece layers"]
        assert layers
        for root, layer in layers.items():
            assert merkle_root_from_layer(layer, piece_length) == root


def test_error_messages_name_the_value():
    doc = files_doc([{b"length": 5, b"path": [b"ok"]}, {b"length": -3, b"path": [b"bad"]}])
    with pytest.raises(MetainfoError) as info:
        parse_torrent(encode(doc))
    assert info.value.code == "bad-length"
    assert info.value.path == "info/files[1]/length"
    assert "info/files[1]/length" in str(info.value) and "negative" in str(info.value)
    with pytest.raises(MetainfoError) as info:
        parse_torrent(b"d4:infod")
    assert info.value.code == "invalid-bencoding" and info.value.offset == 8
    assert isinstance(info.value, ValueError)


def test_display_sanitising():
    doc = files_doc(
        [
            {b"length": 5, b"path": [b"", b"a"]},
            {b"length": 5, b"path": [b"movie\xe2\x80\xaeivk.exe"]},
            {b"length": 5, b"path": [b"tab\there"]},
            {b"length": 5, b"path": [b"bad\xffutf8"]},
        ]
    )
    meta = parse_torrent(encode(doc))
    assert [f.path for f in meta.files] == ["_/a", "movieivk.exe", "tab_here", "bad\ufffdutf8"]
    assert len(meta.warnings) == 4


def test_creation_dates():
    def date(value):
        return parse_torrent(encode({**v1_doc(), b"creation date": value})).creation_date

    assert date(1_700_000_000).year == 2023
    assert date(1_700_000_000_123).year == 2023  # milliseconds
    assert date(-5) is None
    assert date(0) is None
    assert date(10**15) is None
    assert date(b"yesterday") is None


def test_trackers_and_web_seeds():
    doc = v1_doc()
    doc[b"announce"] = b"http://fallback/announce"
    doc[b"announce-list"] = [
        [b" http://a/announce ", b"http://b/announce", 5],
        b"not-a-tier",
        [],
        [b"http://a/announce", b"udp://c:80"],
        [b"   "],
    ]
    doc[b"url-list"] = [b"http://seed/", b"http://seed/", 3, b""]
    doc[b"httpseeds"] = b"http://hs/"
    meta = parse_torrent(encode(doc))
    assert meta.trackers == (("http://a/announce", "http://b/announce"), ("udp://c:80",))
    assert meta.web_seeds == ("http://seed/", "http://hs/")
    doc[b"announce-list"] = [[5], []]
    assert parse_torrent(encode(doc)).trackers == (("http://fallback/announce",),)
    doc[b"url-list"] = b"http://single/"
    assert parse_torrent(encode(doc)).web_seeds == ("http://single/", "http://hs/")


def test_plain_name_and_path_must_be_safe_too():
    """Older clients ignore the .utf-8 variants and write 'name'/'path'."""
    doc = v1_doc(**{"name.utf-8": b"fine"})
    doc[b"info"][b"name"] = b".."
    with pytest.raises(MetainfoError) as info:
        parse_torrent(encode(doc))
    assert info.value.code == "unsafe-path" and info.value.path == "info/name"
    doc = files_doc([{b"length": 5, b"path": [b"..", b"x"], b"path.utf-8": [b"x"]}])
    with pytest.raises(MetainfoError) as info:
        parse_torrent(encode(doc))
    assert info.value.path == "info/files[0]/path[0]"
    doc = files_doc([{b"length": 5, b"path": [b"\xff"], b"path.utf-8": [b"\xc3\xbf"]}])
    assert parse_torrent(encode(doc)).files[0].path == "ÿ"
