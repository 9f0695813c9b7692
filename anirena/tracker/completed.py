"""Buffering of completed-download counts until a sink persists them."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

logger = logging.getLogger(__name__)


@runtime_checkable
class CompletedSink(Protocol):
    """Destination of completed counts, such as the torrent table of the site."""

    def flush(self, increments: dict[str, int]) -> None | Awaitable[None]:
        """Add `increments` (torrent key to number of new completions) to the stored counts.

        May be a coroutine function. A plain function runs in a worker thread,
        so it may use blocking database calls. Raise to have the tracker keep
        the increments and pass them again on the next flush.
        """
        ...


class CompletedBuffer:
    """Completed counts per torrent key that no sink has stored yet."""

    def __init__(self) -> None:
        self._pending: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._lock = asyncio.Lock()

    def add(self, key: str, count: int = 1) -> None:
        self._pending[key] = self._pending.get(key, 0) + count

    def pending(self, key: str) -> int:
        """Return the completions of `key` not yet stored, including a batch being flushed."""
        pending = self._pending
        in_flight = self._in_flight
        if not pending and not in_flight:
            return 0
        return pending.get(key, 0) + in_flight.get(key, 0)

    def total_pending(self) -> int:
        return sum(self._pending.values()) + sum(self._in_flight.values())

    async def flush(
        self,
        sink: CompletedSink,
        on_stored: Callable[[dict[str, int]], None] | None = None,
    ) -> dict[str, int]:
        """Pass all pending increments to `sink` and return what it stored.

        When the sink raises, the increments are kept for the next flush and
        the error is logged. `on_stored`, if given, receives the stored
        batch before it leaves the pending counts, so totals never dip.
        """
        async with self._lock:
            if not self._pending:
                return {}
            batch, self._pending = self._pending, {}
            self._in_flight = batch
            try:
                await _call_sink(sink, dict(batch))
            except Exception:
                self._restore(batch)
                logger.exception(
                    "Completed-count sink failed, so %d increments for %d torrents are kept for the next flush",
                    sum(batch.values()),
                    len(batch),
                )
                return {}
            if on_stored is not None:
                on_stored(batch)
            self._in_flight = {}
            return batch

    def _restore(self, batch: dict[str, int]) -> None:
        self._in_flight = {}
        for key, count in batch.items():
            self.add(key, count)


async def _call_sink(sink: CompletedSink, batch: dict[str, int]) -> None:
    if inspect.iscoroutinefunction(sink.flush):
        await sink.flush(batch)
        return
    result = await asyncio.to_thread(sink.flush, batch)
    if inspect.isawaitable(result):
        await result
