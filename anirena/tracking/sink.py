"""Store completed-download counts that the tracker buffers."""

import logging

from django.db import close_old_connections, transaction
from django.db.models import F

from anirena.torrents.models import Torrent

logger = logging.getLogger(__name__)


class DatabaseCompletedSink:
    """Add buffered increments to Torrent.completed; the tracker calls it from a worker thread.

    If the write fails the exception reaches the tracker, which keeps the
    increments and offers them again at the next flush.
    """

    def flush(self, increments: dict[str, int]) -> None:
        close_old_connections()
        with transaction.atomic():
            for key, count in increments.items():
                Torrent.objects.filter(pk=key).update(completed=F("completed") + count)
        logger.debug("stored %d completed increments", sum(increments.values()))
