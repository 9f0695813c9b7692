"""The external scrape job: torrents uploaded with trackers on 127.0.0.1, scraped into ext_seeders and ext_leechers."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading

import pytest
from django.core.cache import cache

from anirena.torrents.models import Torrent
from anirena.torrents.peers import hashes_from_hex
from anirena.torrents.services.upload import UploadRequest, upload_torrent
from anirena.tracker.config import TrackerConfig
from anirena.tracker.core import Tracker
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.scrape import ScrapeOptions
from anirena.tracker.server import TrackerService
from anirena.tracker.store.memory import MemoryPeerStore
from anirena.tracking.external import BACKOFF_CACHE_KEY, CURSOR_CACHE_KEY, scrape_external_trackers
from tests.factories import make_torrent, make_user
from tests.tracker.scrape_helpers import udp_announce

QUICK = ScrapeOptions(allow_private_addresses=True, udp_timeout=0.2)


class ThreadedTracker:
    """Our tracker's UDP server on 127.0.0.1, run by an event loop in a thread of its own."""

    def __init__(self) -> None:
        self.registry = StaticRegistry()
        config = TrackerConfig(secret=b"external scrape tests")
        tracker = Tracker(config, self.registry, MemoryPeerStore(config.effective_peer_ttl))
        self.service = TrackerService(tracker, udp_host="127.0.0.1", udp_port=0)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.service.start(), self.loop).result(10)

    @property
    def address(self) -> tuple[str, int]:
        return self.service.udp_address

    @property
    def url(self) -> str:
        return f"udp://127.0.0.1:{self.address[1]}/announce"

    def register(self, torrent: Torrent) -> list[bytes]:
        hashes = hashes_from_hex(torrent.info_hash_v1, torrent.info_hash_v2)
        self.registry.add(str(torrent.pk), hashes)
        return hashes

    def announce(self, info_hash: bytes, seeders: int, leechers: int, first_port: int = 7000) -> None:
        for number in range(seeders + leechers):
            port = first_port + number
            udp_announce(self.address, info_hash, port, port, seeder=number < seeders)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.service.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class SilentUdpTracker:
    """UDP socket on 127.0.0.1 that counts datagrams and never responds."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.url = f"udp://127.0.0.1:{self.socket.getsockname()[1]}/announce"

    def received(self) -> int:
        count = 0
        while True:
            try:
                self.socket.recv(4096)
            except BlockingIOError:
                return count
            count += 1


@pytest.fixture
def tracker():
    running = ThreadedTracker()
    yield running
    running.stop()


@pytest.fixture
def silent():
    tracker = SilentUdpTracker()
    yield tracker
    tracker.socket.close()


@pytest.fixture
def enabled(settings):
    settings.EXTERNAL_SCRAPE_ENABLED = True
    settings.EXTERNAL_SCRAPE_ALLOW_PRIVATE_ADDRESSES = True
    cache.delete_many([BACKOFF_CACHE_KEY, CURSOR_CACHE_KEY])
    yield settings
    cache.delete_many([BACKOFF_CACHE_KEY, CURSOR_CACHE_KEY])


@pytest.fixture
def uploader(db):
    return make_user("scraper-uploader")


def upload(user, trackers: list[list[str]], **options) -> Torrent:
    private = options.pop("private", False)
    data = make_torrent(trackers=trackers, private=private, **options)
    return upload_torrent(user, UploadRequest(data=data, category="anime", is_private=private))


def stored_counts(torrent: Torrent) -> tuple[int, int]:
    torrent.refresh_from_db()
    return torrent.ext_seeders, torrent.ext_leechers


@pytest.mark.django_db
def test_off_by_default(settings, uploader, silent):
    assert getattr(settings, "EXTERNAL_SCRAPE_ENABLED", False) is False
    torrent = upload(uploader, [[silent.url]])

    assert scrape_external_trackers(options=QUICK) is None
    assert silent.received() == 0
    assert stored_counts(torrent) == (0, 0)


@pytest.mark.django_db
def test_stores_max_over_hybrid_hashes(enabled, uploader, tracker):
    torrent = upload(uploader, [[tracker.url]])
    v1, v2 = tracker.register(torrent)
    tracker.announce(v1, seeders=3, leechers=1, first_port=7000)
    tracker.announce(v2, seeders=2, leechers=4, first_port=7100)

    assert scrape_external_trackers(options=QUICK) == 1
    assert stored_counts(torrent) == (3, 4)


@pytest.mark.django_db
def test_v1_torrent_counts(enabled, uploader, tracker):
    torrent = upload(uploader, [[tracker.url]], version="v1")
    (v1,) = tracker.register(torrent)
    tracker.announce(v1, seeders=1, leechers=2)

    scrape_external_trackers(options=QUICK)

    assert stored_counts(torrent) == (1, 2)


@pytest.mark.django_db
def test_site_announce_urls_not_scraped(enabled, uploader, tracker, silent):
    # The silent socket plays the site's own UDP tracker: the torrent lists it first.
    enabled.ANNOUNCE_URLS = [silent.url, "http://127.0.0.1:9/announce"]
    torrent = upload(uploader, [[tracker.url]])
    v1, _ = tracker.register(torrent)
    tracker.announce(v1, seeders=1, leechers=0)

    scrape_external_trackers(options=QUICK)

    assert silent.received() == 0
    assert stored_counts(torrent) == (1, 0)


@pytest.mark.django_db
def test_private_torrent_not_scraped(enabled, uploader, silent):
    torrent = upload(uploader, [[silent.url]], private=True)
    assert torrent.is_private

    assert scrape_external_trackers(options=QUICK) == 0
    assert silent.received() == 0


@pytest.mark.django_db
def test_torrent_without_external_tracker_skipped(enabled, uploader, tracker):
    own_only = upload(uploader, [])
    external = upload(uploader, [[tracker.url]])
    v1, _ = tracker.register(external)
    tracker.announce(v1, seeders=2, leechers=0)

    assert scrape_external_trackers(batch_size=1, options=QUICK) == 1
    assert stored_counts(external) == (2, 0)
    assert stored_counts(own_only) == (0, 0)


@pytest.mark.django_db
def test_batches_take_turns(enabled, uploader, tracker):
    torrents = [upload(uploader, [[tracker.url]]) for _ in range(3)]
    for number, torrent in enumerate(torrents):
        v1, _ = tracker.register(torrent)
        tracker.announce(v1, seeders=number + 1, leechers=0, first_port=7000 + 100 * number)

    scrape_external_trackers(batch_size=2, options=QUICK)
    first = [stored_counts(torrent) for torrent in torrents]
    scrape_external_trackers(batch_size=2, options=QUICK)
    second = [stored_counts(torrent) for torrent in torrents]

    assert sum(counts != (0, 0) for counts in first) == 2
    assert second == [(1, 0), (2, 0), (3, 0)]


@pytest.mark.django_db
def test_failing_tracker_backs_off_across_runs(enabled, uploader, tracker, silent):
    torrent = upload(uploader, [[silent.url], [tracker.url]])
    v1, _ = tracker.register(torrent)
    tracker.announce(v1, seeders=1, leechers=1)

    scrape_external_trackers(options=QUICK)
    first_round = silent.received()
    scrape_external_trackers(options=QUICK)

    assert first_round == QUICK.udp_tries
    assert silent.received() == 0
    assert list(cache.get(BACKOFF_CACHE_KEY)) == [silent.url.removesuffix("/announce")]
    assert stored_counts(torrent) == (1, 1)


@pytest.mark.django_db
def test_failed_scrape_keeps_previous_counts(enabled, uploader, silent):
    torrent = upload(uploader, [[silent.url]])
    Torrent.objects.filter(pk=torrent.pk).update(ext_seeders=5, ext_leechers=6)

    assert scrape_external_trackers(options=dataclasses.replace(QUICK, udp_tries=1)) == 0
    assert stored_counts(torrent) == (5, 6)


@pytest.mark.django_db
def test_loopback_tracker_rejected_without_setting(enabled, uploader, silent):
    enabled.EXTERNAL_SCRAPE_ALLOW_PRIVATE_ADDRESSES = False
    upload(uploader, [[silent.url]])

    assert scrape_external_trackers() == 0
    assert silent.received() == 0
