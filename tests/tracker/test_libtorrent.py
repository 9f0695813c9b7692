"""Sanity check with real libtorrent sessions: a hybrid torrent seeded and downloaded via our tracker.

DHT, local service discovery, UPnP, NAT-PMP and peer exchange are off and
everything is bound to 127.0.0.1, so the tracker is the only source of peers.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from anirena.testing import need
from anirena.tracker.config import TrackerConfig
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.server import build_standalone_app
from tests.tracker.test_servers import RecordingSink, UvicornThread, free_port

try:
    import libtorrent as lt
except ImportError:  # pragma: no cover - depends on the environment
    lt = None

pytestmark = pytest.mark.slow

PIECE_SIZE = 16384


def make_hybrid_torrent(folder: Path, announce_urls: list[str]) -> bytes:
    payload = folder / "episode.mkv"
    payload.write_bytes(os.urandom(5 * PIECE_SIZE + 123))
    storage = lt.file_storage()
    lt.add_files(storage, str(payload))
    creator = lt.create_torrent(storage, PIECE_SIZE)
    for tier, url in enumerate(announce_urls):
        creator.add_tracker(url, tier)
    lt.set_piece_hashes(creator, str(folder))
    return lt.bencode(creator.generate())


def make_session(port: int):
    settings = {
        "listen_interfaces": f"127.0.0.1:{port}",
        "outgoing_interfaces": "127.0.0.1",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True,
        "announce_to_all_tiers": True,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.tracker_notification,
    }
    # Flags 0 leaves out the default plugins, among them ut_pex (peer exchange).
    return lt.session(settings, 0)


def wait_until(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_libtorrent_download_through_tracker(tmp_path: Path):
    need(lt is not None, "libtorrent Python bindings are not installed")
    http_port = free_port()
    udp_port = free_port()
    seed_dir = tmp_path / "seed"
    leech_dir = tmp_path / "leech"
    seed_dir.mkdir()
    leech_dir.mkdir()
    data = make_hybrid_torrent(
        seed_dir, [f"http://127.0.0.1:{http_port}/announce", f"udp://127.0.0.1:{udp_port}/announce"]
    )
    info = lt.torrent_info(lt.bdecode(data))
    hashes = info.info_hashes()
    v1, v2 = hashes.v1.to_bytes(), hashes.v2.to_bytes()
    registry = StaticRegistry([("episode", [v1, v2])])
    sink = RecordingSink()
    app = build_standalone_app(TrackerConfig(interval=60, min_interval=10), registry, sink, udp_port=udp_port)

    with UvicornThread(app, http_port):
        tracker = app.tracker
        seeder = make_session(free_port())
        leecher = make_session(free_port())
        seeder.add_torrent(torrent_params(data, seed_dir))
        leech_handle = leecher.add_torrent(torrent_params(data, leech_dir))
        finished = wait_until(lambda: leech_handle.status().is_seeding)
        leech_handle.force_reannounce()
        # Once both announce as seeders in both swarms, the merged counts are (2, 0).
        merged = wait_until(lambda: merged_counts(tracker, v1, v2) == (2, 0), 30)
        downloaded = tracker.downloaded("episode")
        del seeder, leecher

    assert finished, "the leecher did not finish downloading from the seeder"
    assert (leech_dir / "episode.mkv").read_bytes() == (seed_dir / "episode.mkv").read_bytes()
    assert merged, f"merged counts stayed at {merged_counts(tracker, v1, v2)}"
    # libtorrent reports `completed` for both hashes over HTTP and UDP: one download.
    assert downloaded == 1
    assert sink.batches == [{"episode": 1}]


def torrent_params(data: bytes, save_path: Path):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(lt.bdecode(data))
    params.save_path = str(save_path)
    return params


def merged_counts(tracker, v1: bytes, v2: bytes) -> tuple[int, int]:
    from anirena.tracker.inline import run_inline

    counts = run_inline(tracker.counts_for_torrents([("episode", [v1, v2])]))
    return tuple(counts["episode"])
