"""Exponential backoff for external trackers that fail, remembered across scrape rounds."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)


class TrackerBackoff:
    """Consecutive failures and next allowed attempt per tracker server (`scheme://host:port`).

    After the n-th failure in a row a server is skipped for
    `base * 2**(n - 1)` seconds, at most `maximum`. A success clears the entry.
    Times come from `clock` (wall-clock seconds by default) so that a state
    saved by one process stays valid in another; see `to_state`.
    """

    def __init__(
        self,
        *,
        base: float = 900.0,
        maximum: float = 86400.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if base <= 0 or maximum < base:
            raise ValueError(f"backoff needs 0 < base <= maximum, got base={base} maximum={maximum}")
        self.base = base
        self.maximum = maximum
        self.max_entries = max_entries
        self._clock = clock
        # server -> (consecutive failures, time of the next allowed attempt)
        self._entries: dict[str, tuple[int, float]] = {}

    def is_blocked(self, server: str) -> bool:
        entry = self._entries.get(server)
        return entry is not None and self._clock() < entry[1]

    def failures(self, server: str) -> int:
        entry = self._entries.get(server)
        return entry[0] if entry is not None else 0

    def retry_at(self, server: str) -> float | None:
        entry = self._entries.get(server)
        return entry[1] if entry is not None else None

    def record_failure(self, server: str) -> float:
        """Count a failure and return the seconds until the server may be tried again."""
        failures = self.failures(server) + 1
        # The exponent is capped so that a long outage cannot overflow the float.
        delay = min(self.base * 2 ** min(failures - 1, 32), self.maximum)
        self._entries[server] = (failures, self._clock() + delay)
        if len(self._entries) > self.max_entries:
            self._drop_oldest()
        return delay

    def record_success(self, server: str) -> None:
        self._entries.pop(server, None)

    def to_state(self) -> dict[str, list[float]]:
        """Return a JSON-serialisable copy, for a caller that keeps the state between processes.

        Entries whose retry time passed more than `maximum` seconds ago are
        left out: such a server has not been needed for a long time.
        """
        horizon = self._clock() - self.maximum
        return {server: [failures, retry_at] for server, (failures, retry_at) in self._entries.items() if retry_at >= horizon}

    def load_state(self, state: Mapping[str, Any] | None) -> None:
        """Merge a state from `to_state`. Malformed entries are skipped with a warning."""
        if not state:
            return
        skipped = 0
        for server, value in state.items():
            try:
                failures, retry_at = int(value[0]), float(value[1])
            except (TypeError, ValueError, IndexError, KeyError):
                skipped += 1
                continue
            if isinstance(server, str) and failures > 0:
                self._entries[server] = (failures, retry_at)
        if skipped:
            logger.warning("Skipped %d malformed entries of the saved tracker backoff state", skipped)

    def __len__(self) -> int:
        return len(self._entries)

    def _drop_oldest(self) -> None:
        ordered = sorted(self._entries.items(), key=lambda item: item[1][1])
        for server, _ in ordered[: len(self._entries) - self.max_entries]:
            del self._entries[server]
