"""Configuration of the BitTorrent tracker."""

from __future__ import annotations

import dataclasses

# Environment variable that the site reads for the Redis peer store URL; named
# here so that error messages can tell the operator what to set.
REDIS_URL_ENV = "ANIRENA_REDIS_URL"


class TrackerConfigError(ValueError):
    """Invalid or unsupported tracker configuration."""


@dataclasses.dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Tracker settings shared by the HTTP and UDP front ends and the peer stores.

    Times are in seconds. `peer_ttl` of None means twice `interval`.
    """

    interval: int = 1800
    min_interval: int = 300
    peer_ttl: int | None = None
    numwant_default: int = 50
    numwant_max: int = 200
    # Honour the `ip` announce parameter (and the UDP `ip` field). Only safe on
    # a private network, because anyone could otherwise register other hosts.
    trust_ip_param: bool = False
    # Take the client address from the last X-Forwarded-For entry, which is the
    # one that the reverse proxy in front of the tracker appended.
    trust_forwarded_for: bool = False
    udp_host: str = "127.0.0.1"
    udp_port: int | None = 6969
    # Key for UDP connection ids. Processes that share a UDP port must share it.
    # Empty means a random key per process.
    secret: bytes | str = b""
    scrape_max_hashes: int = 74
    redis_url: str | None = None
    redis_prefix: str = "anirena:tracker:"
    # How often expired peers are removed from the memory store, and how often
    # buffered completed counts are handed to the sink.
    prune_interval: float = 60.0
    completed_flush_interval: float = 60.0
    # A peer that reported `completed` for a torrent within this time is not
    # counted again for that torrent.
    completed_dedupe_ttl: int = 7 * 24 * 3600

    def __post_init__(self) -> None:
        self.validate()

    @property
    def effective_peer_ttl(self) -> int:
        """Seconds after its last announce at which a peer expires."""
        if self.peer_ttl is None:
            return 2 * self.interval
        return self.peer_ttl

    @property
    def secret_bytes(self) -> bytes:
        if isinstance(self.secret, str):
            return self.secret.encode()
        return bytes(self.secret)

    @property
    def store_kind(self) -> str:
        """Return "redis" when a Redis URL is configured, else "memory"."""
        return "redis" if self.redis_url else "memory"

    def validate(self) -> None:
        """Raise TrackerConfigError naming the first invalid setting."""
        if self.interval <= 0:
            raise TrackerConfigError(f"interval must be positive, got {self.interval}")
        if not 0 < self.min_interval <= self.interval:
            raise TrackerConfigError(
                f"min_interval must be between 1 and interval ({self.interval}), "
                f"got {self.min_interval}"
            )
        if self.effective_peer_ttl < self.interval:
            raise TrackerConfigError(
                f"peer_ttl ({self.effective_peer_ttl}) must be at least interval "
                f"({self.interval}), or peers expire between two announces"
            )
        # The memory store keeps 24-bit timestamps in seconds (194 days).
        if self.effective_peer_ttl >= 1 << 23:
            raise TrackerConfigError(f"peer_ttl must be below {1 << 23} s, got {self.effective_peer_ttl}")
        if not 0 <= self.numwant_default <= self.numwant_max:
            raise TrackerConfigError(
                f"numwant_default ({self.numwant_default}) must be between 0 and "
                f"numwant_max ({self.numwant_max})"
            )
        if not 1 <= self.scrape_max_hashes <= 74:
            # 74 hashes is the most that fits a UDP scrape in one packet (BEP 15).
            raise TrackerConfigError(
                f"scrape_max_hashes must be between 1 and 74, got {self.scrape_max_hashes}"
            )
        if self.udp_port is not None and not 0 <= self.udp_port <= 65535:
            raise TrackerConfigError(f"udp_port must be between 0 and 65535, got {self.udp_port}")
        if self.prune_interval <= 0 or self.completed_flush_interval <= 0:
            raise TrackerConfigError("prune_interval and completed_flush_interval must be positive")
        if self.completed_dedupe_ttl <= 0:
            raise TrackerConfigError(
                f"completed_dedupe_ttl must be positive, got {self.completed_dedupe_ttl}"
            )
