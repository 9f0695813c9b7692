"""Peer stores: in-process memory (default) and Redis (shared by several processes)."""

from anirena.tracker.store.base import AnnounceResult, PeerStore, SwarmCounts
from anirena.tracker.store.memory import MemoryPeerStore

__all__ = ["AnnounceResult", "MemoryPeerStore", "PeerStore", "SwarmCounts"]
