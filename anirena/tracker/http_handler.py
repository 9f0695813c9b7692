"""HTTP announce (BEP 3, 7, 23) and scrape (BEP 48) handling, independent of the HTTP server.

Both the ASGI app and the built-in HTTP server pass the raw query string and
the client address here and send the returned bencoded body with status 200.
"""

from __future__ import annotations

import logging

from anirena.tracker.core import Tracker, TrackerError
from anirena.tracker.events import FAMILY_BOTH
from anirena.tracker.ratelimit import RateLimitedWarnings
from anirena.tracker.wire import messages
from anirena.tracker.wire.addresses import pack_ip
from anirena.tracker.wire.http_query import QueryError, parse_announce_query, parse_scrape_query
from anirena.tracker.wire.http_response import AnnounceEncoder, failure_body, scrape_body

logger = logging.getLogger(__name__)


class TrackerRequestHandler:
    """Builder of announce and scrape response bodies for one tracker."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        config = tracker.config
        self._encoder = AnnounceEncoder(config.interval, config.min_interval)
        self._trust_ip_param = config.trust_ip_param
        self._trust_forwarded_for = config.trust_forwarded_for
        self._scrape_max = config.scrape_max_hashes
        self._failures: dict[str, bytes] = {}
        self._warnings = RateLimitedWarnings(logger)

    async def announce(self, query_string: bytes, client_host: str | None, forwarded_for: bytes | None = None) -> bytes:
        """Return the body for an announce from `client_host` (an IP literal).

        `forwarded_for` is the X-Forwarded-For header value. It is used only
        when the config trusts it.
        """
        try:
            query = parse_announce_query(query_string)
            packed_ip = self._client_ip(client_host, forwarded_for, query.ip)
            with_peer_ids = not query.compact and not query.no_peer_id
            result, downloaded = await self.tracker.announce(
                query.info_hash,
                query.peer_id,
                packed_ip,
                query.port,
                query.seeder,
                query.event,
                query.numwant,
                FAMILY_BOTH,
                with_peer_ids,
            )
        except (QueryError, TrackerError) as error:
            return self.failure(error.args[0])
        except Exception:
            # Typically the Redis store being unreachable; the client retries later.
            self._warnings.warn("announce", "HTTP announce failed", exc_info=True)
            return self.failure(messages.INTERNAL_ERROR)
        if query.compact:
            return self._encoder.compact(result.seeders, result.leechers, downloaded, result.peers4, result.peers6)
        addresses = _split_addresses(result.peers4, 6) + _split_addresses(result.peers6, 18)
        return self._encoder.dictionaries(result.seeders, result.leechers, downloaded, addresses, result.peer_ids)

    async def scrape(self, query_string: bytes) -> bytes:
        try:
            info_hashes = parse_scrape_query(query_string)
        except QueryError as error:
            return self.failure(error.args[0])
        if not info_hashes:
            return self.failure(messages.FULL_SCRAPE_REJECTED)
        if len(info_hashes) > self._scrape_max:
            return self.failure(messages.TOO_MANY_INFO_HASHES % self._scrape_max)
        try:
            entries = await self.tracker.scrape(info_hashes)
        except Exception:
            self._warnings.warn("scrape", "HTTP scrape failed", exc_info=True)
            return self.failure(messages.INTERNAL_ERROR)
        # Unregistered hashes are left out of `files`.
        return scrape_body(entry for entry in entries if entry is not None)

    def failure(self, reason: str) -> bytes:
        """Return the bencoded failure body for `reason`, cached for repeated reasons."""
        body = self._failures.get(reason)
        if body is None:
            body = failure_body(reason)
            if len(self._failures) < 64:
                self._failures[reason] = body
        return body

    def _client_ip(self, client_host: str | None, forwarded_for: bytes | None, ip_param: bytes | None) -> bytes:
        if ip_param and self._trust_ip_param:
            packed = pack_ip(ip_param.decode("latin-1"))
            if packed is None:
                raise QueryError(messages.INVALID_IP)
            return packed
        if forwarded_for is not None and self._trust_forwarded_for:
            # The last entry is the one that the trusted proxy appended.
            last = forwarded_for.rsplit(b",", 1)[-1].strip()
            packed = pack_ip(last.decode("latin-1"))
            if packed is not None:
                return packed
        packed = pack_ip(client_host) if client_host else None
        if packed is None:
            raise TrackerError(messages.UNKNOWN_CLIENT_ADDRESS)
        return packed


def _split_addresses(blob: bytes, width: int) -> list[bytes]:
    return [blob[i : i + width] for i in range(0, len(blob), width)]
