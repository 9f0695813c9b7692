"""Running coroutines that never suspend without an event loop task."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_inline(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion in the calling thread and return its result.

    Only for coroutines that never await anything that suspends, such as the
    methods of a store whose `runs_inline` is True. This avoids the cost of a
    task per request. Raises RuntimeError if the coroutine suspends anyway.
    """
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise RuntimeError(f"{coroutine.__qualname__} suspended, so it cannot run inline")
