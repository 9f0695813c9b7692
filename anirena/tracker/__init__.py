"""BitTorrent tracker (HTTP and UDP) for registered torrents, as plain asyncio code.

This package must not import Django: the site connects to it through
TorrentRegistry, CompletedSink, TrackerApp and TrackerService.
"""

from anirena.tracker.completed import CompletedSink
from anirena.tracker.config import TrackerConfig, TrackerConfigError
from anirena.tracker.core import Tracker, TrackerError
from anirena.tracker.http import TrackerApp
from anirena.tracker.http_handler import TrackerRequestHandler
from anirena.tracker.http_server import TrackerHttpServer
from anirena.tracker.registry import RefreshableRegistry, RegistryEntry, StaticRegistry, TorrentRegistry
from anirena.tracker.server import (
    TrackerService,
    check_store_for_workers,
    make_store,
    run_standalone,
    sync_counts_reader,
)
from anirena.tracker.store import MemoryPeerStore, PeerStore

__all__ = [
    "CompletedSink",
    "MemoryPeerStore",
    "PeerStore",
    "RefreshableRegistry",
    "RegistryEntry",
    "StaticRegistry",
    "TorrentRegistry",
    "Tracker",
    "TrackerApp",
    "TrackerConfig",
    "TrackerConfigError",
    "TrackerError",
    "TrackerHttpServer",
    "TrackerRequestHandler",
    "TrackerService",
    "check_store_for_workers",
    "make_store",
    "run_standalone",
    "sync_counts_reader",
]
