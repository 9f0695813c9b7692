"""The tracker's registry of torrents, loaded from the database.

The tracker answers only for registered torrents. A process loads every
torrent at start, registers its own uploads the moment they commit, and
reloads periodically so that torrents uploaded or deleted through another
process (scale-out) are picked up.
"""

import logging
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from anirena.torrents.models import Torrent
from anirena.torrents.peers import hashes_from_hex, swarm_hashes
from anirena.tracker import RefreshableRegistry, RegistryEntry

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000


def load_entries():
    """Yield one RegistryEntry per torrent, reading the table in primary-key batches."""
    rows = Torrent.objects.order_by("pk").values_list("pk", "info_hash_v1", "info_hash_v2", "completed")
    last = None
    while True:
        batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:BATCH_SIZE])
        if not batch:
            return
        for pk, v1, v2, completed in batch:
            yield RegistryEntry(str(pk), tuple(hashes_from_hex(v1, v2)), completed)
        last = batch[-1][0]


class SiteRegistry(RefreshableRegistry):
    """Registry that also polls for torrents uploaded through other processes.

    `poll` reads only torrents uploaded since the newest one it has seen, less
    an overlap, because an upload may commit after a later-stamped one.
    """

    OVERLAP = timedelta(minutes=2)

    def __init__(self):
        super().__init__(load_entries)
        self._watermark = None

    def refresh(self) -> int:
        started = timezone.now()
        count = super().refresh()
        self._watermark = started - self.OVERLAP
        return count

    def poll(self) -> int:
        """Register torrents uploaded since the last poll and return how many rows were read."""
        close_old_connections()
        since = self._watermark or timezone.now() - self.OVERLAP
        rows = list(Torrent.objects.filter(uploaded_at__gte=since)
                    .values_list("pk", "info_hash_v1", "info_hash_v2", "completed", "uploaded_at"))
        for pk, v1, v2, completed, uploaded_at in rows:
            if self.lookup(hashes_from_hex(v1, v2)[0]) is None:
                self.add(str(pk), hashes_from_hex(v1, v2), completed)
        if rows:
            newest = max(row[4] for row in rows)
            self._watermark = max(since, newest - self.OVERLAP)
        return len(rows)


def build_registry() -> SiteRegistry:
    return SiteRegistry()


def entry_for(torrent) -> RegistryEntry:
    return RegistryEntry(str(torrent.pk), tuple(swarm_hashes(torrent)), torrent.completed)
