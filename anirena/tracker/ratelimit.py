"""Warnings that are logged at most once per interval for each kind of event."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class RateLimitedWarnings:
    """Logger wrapper for events that a client can trigger at packet rate.

    The first event of a kind is logged at once. Later ones within `interval`
    seconds are only counted, and the count is reported with the next
    message of that kind.
    """

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval = interval
        self._clock = clock
        # kind -> [time of the last logged message, events suppressed since]
        self._state: dict[str, list[float]] = {}

    def warn(self, kind: str, message: str, *args: object, exc_info: bool | BaseException = False) -> None:
        now = self._clock()
        state = self._state.get(kind)
        if state is not None and now - state[0] < self._interval:
            state[1] += 1
            return
        suppressed = int(state[1]) if state is not None else 0
        if suppressed:
            message += " (%d similar events since the last message)"
            args = (*args, suppressed)
        self._logger.warning(message, *args, exc_info=exc_info)
        self._state[kind] = [now, 0]
