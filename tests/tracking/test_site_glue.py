"""The site's side of the tracker: registry from the database, completed counts, copied counts."""

import asyncio

import pytest

from anirena.torrents.models import Torrent
from anirena.torrents.peers import hashes_from_hex
from anirena.torrents.services.upload import UploadRequest, upload_torrent
from anirena.tracker import MemoryPeerStore, Tracker
from anirena.tracker.events import EVENT_STARTED, FAMILY_V4
from anirena.tracking.counts import copy_live_counts
from anirena.tracking.registry import SiteRegistry
from anirena.tracking.runtime import tracker_config
from anirena.tracking.sink import DatabaseCompletedSink
from tests.factories import make_torrent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def torrent(uploader, site_data):
    return upload_torrent(uploader, UploadRequest(data=make_torrent(version="hybrid"), category="anime"))


def test_registry_loads_both_hashes(torrent):
    registry = SiteRegistry()
    assert registry.refresh() == 1
    v1, v2 = hashes_from_hex(torrent.info_hash_v1, torrent.info_hash_v2)
    assert registry.lookup(v1) == str(torrent.pk)
    assert registry.lookup(v2) == str(torrent.pk)


def test_registry_poll_finds_new_upload(uploader, site_data):
    registry = SiteRegistry()
    registry.refresh()
    added = upload_torrent(uploader, UploadRequest(data=make_torrent(version="v1"), category="anime"))
    assert registry.lookup(bytes.fromhex(added.info_hash_v1)) is None
    registry.poll()
    assert registry.lookup(bytes.fromhex(added.info_hash_v1)) == str(added.pk)


def test_sink_adds_completed_counts(torrent):
    DatabaseCompletedSink().flush({str(torrent.pk): 2})
    DatabaseCompletedSink().flush({str(torrent.pk): 1})
    torrent.refresh_from_db()
    assert torrent.completed == 3


def test_copy_writes_live_counts(torrent):
    config = tracker_config(udp_port=0)
    store = MemoryPeerStore(config.effective_peer_ttl, config.completed_dedupe_ttl)
    registry = SiteRegistry()
    registry.refresh()
    tracker = Tracker(config, registry, store)
    v1, v2 = hashes_from_hex(torrent.info_hash_v1, torrent.info_hash_v2)
    loopback = bytes([127, 0, 0, 1])

    async def announce_and_copy():
        # One seeder in each swarm of the hybrid (the same peer) and one leecher in the v2 swarm.
        await tracker.announce(v1, b"-AA0001-000000000001", loopback, 6881, True, EVENT_STARTED, 0, FAMILY_V4)
        await tracker.announce(v2, b"-AA0001-000000000001", loopback, 6881, True, EVENT_STARTED, 0, FAMILY_V4)
        await tracker.announce(v2, b"-AA0001-000000000002", loopback, 6882, False, EVENT_STARTED, 0, FAMILY_V4)
        return await copy_live_counts(tracker), await copy_live_counts(tracker)

    first, second = asyncio.run(announce_and_copy())

    torrent.refresh_from_db()
    assert first == 1
    assert (torrent.seeders, torrent.leechers) == (1, 1)
    assert second == 0
