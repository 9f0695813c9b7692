"""Magnet links, tracker/comment rewriting and the private flag, checked with libtorrent."""

from __future__ import annotations

import warnings
from urllib.parse import parse_qs, urlsplit

import pytest

from anirena.metainfo import (
    Metainfo,
    build_magnet,
    decode,
    encode,
    parse_torrent,
    rewrite_torrent,
    set_private,
)
from anirena.metainfo.bencode import Raw
from anirena.testing import shared_data

from .conftest import lt_hashes

# '&', '=', '+', '%', '/' and non-ASCII must all survive the round trips
SITE = "https://tracker.anirena.example/announce?key=a+b%2F&x=ü"


def _lt_trackers(ti):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [(t.url, t.tier) for t in ti.trackers()]


@pytest.mark.parametrize("mode", ["v1", "v2", "hybrid"])
def test_magnet_round_trip(lt, make_torrent, mode):
    data = make_torrent([("Ep 01 [1080p] #1 & more.mkv", 50_000), ("sub/x.ass", 10)], mode=mode, name="Show & Co")
    meta = parse_torrent(data)
    trackers = [SITE, "udp://open.example:1337/announce", SITE, "  "]
    uri = build_magnet(meta, trackers)
    params = lt.parse_magnet_uri(uri)
    v1, v2 = lt_hashes(params)
    assert (v1, v2) == (meta.info_hash_v1, meta.info_hash_v2)
    assert params.name == "Show & Co"
    assert params.trackers == [SITE, "udp://open.example:1337/announce"]
    query = parse_qs(urlsplit(uri).query)
    assert query["xl"] == [str(meta.total_size)]
    assert query["dn"] == ["Show & Co"]
    xts = query["xt"]
    assert (f"urn:btih:{meta.info_hash_v1}" in xts) == (mode != "v2")
    assert (f"urn:btmh:1220{meta.info_hash_v2}" in xts) == (mode != "v1")
    assert " " not in uri and "&x=" not in uri and "ü" not in uri  # all percent-encoded


def test_magnet_from_fields_and_name_override(lt):
    fields = {"info_hash_v1": "C0FDA1EDAFDBDBB96443424E0B3899AF7159D10E", "name": "a", "total_size": 5}
    uri = build_magnet(fields, [], name="Other name/é")
    assert uri == (
        "magnet:?xt=urn:btih:c0fda1edafdbdbb96443424e0b3899af7159d10e"
        "&dn=Other%20name%2F%C3%A9&xl=5"
    )
    assert lt.parse_magnet_uri(uri).name == "Other name/é"
    with pytest.raises(ValueError):
        build_magnet({"info_hash_v1": "xyz"}, [])
    with pytest.raises(ValueError):
        build_magnet({}, [])
    with pytest.raises(TypeError):
        build_magnet(fields, "http://a/")


def test_rewrite_keeps_hashes_and_puts_site_first(lt, make_torrent):
    data = make_torrent(
        [("a.bin", 40_000)],
        mode="hybrid",
        trackers=["udp://one.example/announce", SITE, "udp://two.example/announce"],
        comment="original",
    )
    before = parse_torrent(data)
    out = rewrite_torrent(data, first_tier=[SITE, "https://backup.example/announce"], comment="new comment")
    after = parse_torrent(out)
    assert (after.info_hash_v1, after.info_hash_v2) == (before.info_hash_v1, before.info_hash_v2)
    assert after.info_bytes == before.info_bytes
    assert after.trackers == (
        (SITE, "https://backup.example/announce"),
        ("udp://one.example/announce",),
        ("udp://two.example/announce",),
    )
    assert after.comment == "new comment"
    ti = lt.torrent_info(out)
    assert lt_hashes(ti) == (before.info_hash_v1, before.info_hash_v2)
    assert ti.comment() == "new comment"
    tiers = _lt_trackers(ti)
    assert sorted(url for url, tier in tiers if tier == 0) == sorted([SITE, "https://backup.example/announce"])
    top = decode(out)
    assert top[b"announce"] == SITE.encode()
    assert b"piece layers" in top  # kept for v2


def test_rewrite_overrides_and_removal(make_torrent):
    data = make_torrent([("a.bin", 1000)], mode="v1", trackers=["udp://old.example/announce"], comment="c")
    out = rewrite_torrent(data, first_tier=["https://site/announce"], announce="https://main/announce", extra_tiers=[["udp://x/a", "https://site/announce"], []], comment="")
    meta = parse_torrent(out)
    assert meta.trackers == (("https://site/announce",), ("udp://x/a",))
    assert decode(out)[b"announce"] == b"https://main/announce"
    assert meta.comment is None
    bare = rewrite_torrent(data, extra_tiers=[])
    top = decode(bare)
    assert b"announce" not in top and b"announce-list" not in top
    assert parse_torrent(bare).info_hash_v1 == parse_torrent(data).info_hash_v1


def test_rewrite_keeps_non_canonical_info_bytes(lt):
    """unordered.torrent's info dict is not canonical: re-encoding would change its hash."""
    data = shared_data("torrents", "libtorrent", "test_torrents", "unordered.torrent").read_bytes()
    before = parse_torrent(data)
    assert encode(decode(before.info_bytes)) != before.info_bytes
    out = rewrite_torrent(data, first_tier=[SITE])
    assert parse_torrent(out).info_hash_v1 == before.info_hash_v1
    assert lt_hashes(lt.torrent_info(out)) == (before.info_hash_v1, None)


@pytest.mark.parametrize(
    "name",
    ["sample.torrent", "v2_hybrid.torrent", "v2_multiple_files.torrent", "large_piece_size.torrent", "v2_invalid_filename2.torrent"],
)
def test_rewrite_corpus(lt, name):
    from anirena.metainfo import MetainfoError

    data = shared_data("torrents", "libtorrent", "test_torrents", name).read_bytes()
    try:
        before = parse_torrent(data)
    except MetainfoError:
        with pytest.raises(MetainfoError):
            rewrite_torrent(data, first_tier=[SITE])
        return
    out = rewrite_torrent(data, first_tier=[SITE])
    assert lt_hashes(lt.torrent_info(out)) == (before.info_hash_v1, before.info_hash_v2)
    assert parse_torrent(out).trackers[0] == (SITE,)


@pytest.mark.parametrize("mode", ["v1", "v2", "hybrid"])
def test_set_private(lt, make_torrent, mode):
    data = make_torrent([("a.bin", 40_000), ("b.bin", 5)], mode=mode)
    public = parse_torrent(data)
    private_data = set_private(data, True)
    private = parse_torrent(private_data)
    assert private.private is True
    assert (private.info_hash_v1, private.info_hash_v2) != (public.info_hash_v1, public.info_hash_v2)
    ti = lt.torrent_info(private_data)
    assert ti.priv()
    assert lt_hashes(ti) == (private.info_hash_v1, private.info_hash_v2)
    assert set_private(private_data, True) == private_data
    back = set_private(private_data, False)
    assert parse_torrent(back).info_hash_v1 == public.info_hash_v1
    assert parse_torrent(back).info_hash_v2 == public.info_hash_v2
    assert not lt.torrent_info(back).priv()


def test_metainfo_is_frozen(make_torrent):
    meta = parse_torrent(make_torrent([("a.bin", 10)], mode="v1"))
    assert isinstance(meta, Metainfo)
    with pytest.raises(AttributeError):
        meta.name = "x"  # type: ignore[misc]
    assert Raw(b"i1e") == Raw(b"i1e")
