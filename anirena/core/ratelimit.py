"""Fixed-window rate limits counted in Django's cache.

The cache is locmem on the embedded default (one process) and Redis when
``ANIRENA_REDIS_URL`` is set, so counts are shared by every process there.
Each window has its own cache key, named by the window's index, so a count
never needs resetting: the key of a finished window is simply no longer read,
and it expires a minute after the window ends.

Typical use::

    LOGIN_FAILURES = RateLimit("login-failures:ip", limit=50, window=900)

    LOGIN_FAILURES.check(ip)        # raises RateLimited once 50 hits are counted
    LOGIN_FAILURES.hit(ip)          # count one more
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

# A window key outlives its window by this many seconds, so it cannot expire while it is
# still being counted (Redis INCR on an expired key would create one without a TTL).
_EXPIRY_MARGIN = 60


class RateLimited(Exception):
    """A rate limit is reached. `retry_after` is the number of whole seconds to wait."""

    def __init__(self, retry_after: int, limit: "RateLimit | None" = None):
        self.retry_after = max(1, int(retry_after))
        self.limit = limit
        name = limit.name if limit is not None else "rate limit"
        super().__init__(f"{name} reached; retry after {self.retry_after} s")


@dataclass(frozen=True)
class Decision:
    """The state of one key after a check or a hit."""

    allowed: bool
    count: int
    remaining: int
    retry_after: int


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` seconds for each key (an IP, an account id, an API key id)."""

    name: str
    limit: int
    window: int

    def _cache_key(self, key: str, window_index: int) -> str:
        # Keys may be emails or IPv6 addresses, so they are hashed into a fixed, cache-safe form.
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
        prefix = getattr(settings, "RATELIMIT_KEY_PREFIX", "ratelimit")
        return f"{prefix}:{self.name}:{digest}:{window_index}"

    def _window(self, now: float) -> tuple[int, int]:
        index = int(now // self.window)
        retry_after = math.ceil((index + 1) * self.window - now)
        return index, retry_after

    def _decision(self, count: int, retry_after: int) -> Decision:
        allowed = count <= self.limit
        return Decision(
            allowed=allowed,
            count=count,
            remaining=max(0, self.limit - count),
            retry_after=0 if allowed else retry_after,
        )

    def peek(self, key: str) -> Decision:
        """Return the state of `key` without counting a hit."""
        index, retry_after = self._window(time.time())
        count = cache.get(self._cache_key(key, index), 0)
        # The next hit would be count + 1, so the key is blocked once count reaches the limit.
        return self._decision(count + 1, retry_after)

    def hit(self, key: str, amount: int = 1) -> Decision:
        """Count `amount` hits for `key` and return whether they were within the limit."""
        index, retry_after = self._window(time.time())
        cache_key = self._cache_key(key, index)
        cache.add(cache_key, 0, timeout=self.window + _EXPIRY_MARGIN)
        try:
            count = cache.incr(cache_key, amount)
        except ValueError:
            # Another process cleared the key between add() and incr(): start it again.
            cache.set(cache_key, amount, timeout=self.window + _EXPIRY_MARGIN)
            count = amount
        return self._decision(count, retry_after)

    def check(self, key: str) -> None:
        """Raise RateLimited if one more hit for `key` would exceed the limit, without counting one."""
        decision = self.peek(key)
        if not decision.allowed:
            raise RateLimited(decision.retry_after, self)

    def enforce(self, key: str) -> Decision:
        """Count one hit for `key`, raising RateLimited when it exceeds the limit."""
        decision = self.hit(key)
        if not decision.allowed:
            raise RateLimited(decision.retry_after, self)
        return decision

    def reset(self, key: str) -> None:
        """Forget the hits of `key` in the current window."""
        index, _ = self._window(time.time())
        cache.delete(self._cache_key(key, index))
