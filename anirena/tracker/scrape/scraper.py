"""Scrapes of the external trackers that torrents list, merged into counts per torrent.

Each distinct tracker endpoint is scraped once per round for all the hashes
that torrents list it for, in batches, with a bounded number of trackers
at a time. Per torrent the result is the highest seeder count and,
separately, the highest leecher count that any one tracker reported for any
of the torrent's hashes. The maximum, not the sum, because trackers that
list the same torrent track overlapping sets of peers.

A hybrid torrent has a v1 hash and a truncated v2 hash, which a tracker
keeps as two swarms. Clients that support v2 (libtorrent 2 and the clients
built on it) announce both, so they are in both swarms, and summing the two
would count them twice. The maximum over the two hashes is used instead. It
undercounts only when many v1-only and v2-only peers are present at once.

Only the URLs that the caller passes are contacted, and only when their
host name resolves to public addresses. A torrent's tracker list is user
input, and it must not make the site send requests into its own network.
`allow_private_addresses` turns that check off for tests and closed networks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import quote_from_bytes

from anirena.tracker.scrape.backoff import TrackerBackoff
from anirena.tracker.scrape.http_client import HttpError, http_get
from anirena.tracker.scrape.responses import Counts, ScrapeFailure, parse_http_scrape
from anirena.tracker.scrape.udp_client import MAX_HASHES_PER_SCRAPE, UdpScrapeClient
from anirena.tracker.scrape.urls import TrackerEndpoint, announce_url_identity, endpoints_of

logger = logging.getLogger(__name__)

INFO_HASH_LENGTH = 20


class TorrentTrackers(NamedTuple):
    """One torrent to scrape: its key, its 20-byte tracker hashes and its announce URLs."""

    key: str
    # The v1 info hash and/or the v2 info hash truncated to 20 bytes.
    info_hashes: tuple[bytes, ...]
    tracker_urls: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ScrapeOptions:
    """Limits of one scrape round. Times are in seconds."""

    udp_timeout: float = 3.0
    udp_tries: int = 2
    udp_batch_size: int = MAX_HASHES_PER_SCRAPE
    http_timeout: float = 10.0
    http_batch_size: int = 50
    max_response_bytes: int = 256 * 1024
    # Trackers scraped at the same time.
    concurrency: int = 16
    # Time one tracker may take per round; batches left after that wait for the next round.
    tracker_budget: float = 60.0
    # Time the whole round may take; trackers not finished by then keep their partial counts.
    round_budget: float = 300.0
    allow_private_addresses: bool = False
    user_agent: str = "AniRena-scraper/1"

    def __post_init__(self) -> None:
        if not 1 <= self.udp_batch_size <= MAX_HASHES_PER_SCRAPE:
            raise ValueError(f"udp_batch_size must be between 1 and {MAX_HASHES_PER_SCRAPE}, got {self.udp_batch_size}")
        if self.http_batch_size < 1 or self.concurrency < 1 or self.udp_tries < 1:
            raise ValueError("http_batch_size, concurrency and udp_tries must be at least 1")
        if min(self.udp_timeout, self.http_timeout, self.tracker_budget, self.round_budget) <= 0:
            raise ValueError("timeouts and budgets must be positive")


@dataclasses.dataclass
class TrackerResult:
    """Outcome of one endpoint in a round."""

    endpoint: TrackerEndpoint
    counts: dict[bytes, Counts] = dataclasses.field(default_factory=dict)
    # Why the tracker failed this round, or None if it responded to at least one batch.
    error: str | None = None
    # Messages of single batches the tracker rejected while others succeeded.
    batch_errors: list[str] = dataclasses.field(default_factory=list)
    # True when the budget ran out before every batch was sent.
    incomplete: bool = False

    @property
    def responded(self) -> bool:
        """Return True when the tracker sent a usable response to at least one batch."""
        return bool(self.counts) or (self.error is None and not self.incomplete)


@dataclasses.dataclass
class ScrapeReport:
    """Outcome of one round: counts per torrent key and what happened to each tracker."""

    counts: dict[str, Counts]
    results: list[TrackerResult]
    # Trackers skipped because they are backing off after failures.
    backed_off: list[str]
    # Trackers skipped because their host resolved to a non-public address.
    rejected: list[str]

    @property
    def failed(self) -> list[TrackerResult]:
        return [result for result in self.results if result.error is not None]


class AddressRejected(Exception):
    """The host resolved to an address that the options do not allow."""


class ExternalScraper:
    """Scraper of external trackers, keeping its backoff state between rounds.

    `exclude_urls` are the site's own announce URLs, which are never scraped
    (compared after normalising case, default ports and trailing slashes).
    """

    def __init__(
        self,
        options: ScrapeOptions | None = None,
        *,
        exclude_urls: Iterable[str] = (),
        backoff: TrackerBackoff | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.options = options or ScrapeOptions()
        self.backoff = backoff if backoff is not None else TrackerBackoff()
        self._excluded = frozenset(
            identity for identity in map(announce_url_identity, exclude_urls) if identity is not None
        )
        self._tls_context = tls_context

    async def scrape(self, torrents: Iterable[TorrentTrackers]) -> ScrapeReport:
        """Scrape every tracker that the torrents list and return the merged counts."""
        started = time.monotonic()
        hash_keys, plan = self._plan(torrents)
        to_scrape = []
        backed_off = []
        for endpoint, info_hashes in plan.items():
            if self.backoff.is_blocked(endpoint.server):
                backed_off.append(endpoint.server)
            else:
                to_scrape.append((endpoint, info_hashes))
        logger.info(
            "External scrape started: %d torrents, %d trackers, %d backing off",
            len({key for keys in hash_keys.values() for key in keys}),
            len(to_scrape),
            len(backed_off),
        )

        results, rejected = await self._scrape_all(to_scrape)
        self._update_backoff(results)
        counts = merge_counts(results, hash_keys)
        report = ScrapeReport(counts, results, backed_off, rejected)
        self._log_summary(report, time.monotonic() - started)
        return report

    def _plan(
        self, torrents: Iterable[TorrentTrackers]
    ) -> tuple[dict[bytes, list[str]], dict[TrackerEndpoint, list[bytes]]]:
        """Return the torrent keys of each hash and the hashes to scrape at each endpoint."""
        hash_keys: dict[bytes, list[str]] = {}
        plan: dict[TrackerEndpoint, dict[bytes, None]] = {}
        for torrent in torrents:
            hashes = [info_hash for info_hash in torrent.info_hashes if len(info_hash) == INFO_HASH_LENGTH]
            endpoints = endpoints_of(torrent.tracker_urls, self._excluded)
            if not hashes or not endpoints:
                continue
            for info_hash in hashes:
                hash_keys.setdefault(info_hash, []).append(torrent.key)
            for endpoint in endpoints:
                plan.setdefault(endpoint, {}).update(dict.fromkeys(hashes))
        return hash_keys, {endpoint: list(hashes) for endpoint, hashes in plan.items()}

    async def _scrape_all(
        self, to_scrape: Sequence[tuple[TrackerEndpoint, list[bytes]]]
    ) -> tuple[list[TrackerResult], list[str]]:
        loop = asyncio.get_running_loop()
        round_deadline = loop.time() + self.options.round_budget
        semaphore = asyncio.Semaphore(self.options.concurrency)
        rejected: list[str] = []

        async def run(endpoint: TrackerEndpoint, info_hashes: list[bytes]) -> TrackerResult | None:
            async with semaphore:
                result = TrackerResult(endpoint)
                deadline = min(loop.time() + self.options.tracker_budget, round_deadline)
                if loop.time() >= deadline:
                    # Not contacted before the round ended: neither a success nor a failure.
                    result.incomplete = True
                    return result
                try:
                    async with asyncio.timeout_at(deadline):
                        await self._scrape_endpoint(result, info_hashes)
                except AddressRejected as error:
                    logger.debug("Not scraping %s: %s", endpoint.server, error)
                    rejected.append(endpoint.server)
                    return None
                except TimeoutError:
                    # The budget ran out, so keep the counts of the batches that got a response.
                    result.incomplete = True
                    if not result.counts:
                        result.error = "no response within the time budget"
                except (ScrapeFailure, HttpError, OSError, ssl.SSLError) as error:
                    if not result.counts:
                        result.error = str(error) or type(error).__name__
                    else:
                        result.batch_errors.append(str(error))
                        result.incomplete = True
                return result

        gathered = await asyncio.gather(*(run(endpoint, hashes) for endpoint, hashes in to_scrape))
        return [result for result in gathered if result is not None], rejected

    async def _scrape_endpoint(self, result: TrackerResult, info_hashes: list[bytes]) -> None:
        endpoint = result.endpoint
        kind = socket.SOCK_DGRAM if endpoint.scheme == "udp" else socket.SOCK_STREAM
        address = await self._resolve(endpoint, kind)
        if endpoint.scheme == "udp":
            client = UdpScrapeClient(
                address, timeout=self.options.udp_timeout, tries=self.options.udp_tries, name=endpoint.server
            )
            result.batch_errors += await client.scrape(info_hashes, self.options.udp_batch_size, result.counts.update)
        else:
            await self._scrape_http(result, address, info_hashes)
        if not result.counts and result.batch_errors:
            result.error = result.batch_errors[0]

    async def _scrape_http(self, result: TrackerResult, address: tuple[str, int], info_hashes: list[bytes]) -> None:
        endpoint = result.endpoint
        tls_context = None
        if endpoint.scheme == "https":
            tls_context = self._tls_context or ssl.create_default_context()
        batch_size = self.options.http_batch_size
        separator = "&" if "?" in endpoint.scrape_target else "?"
        for start in range(0, len(info_hashes), batch_size):
            batch = info_hashes[start : start + batch_size]
            query = "&".join("info_hash=" + quote_from_bytes(info_hash, safe="") for info_hash in batch)
            try:
                status, body = await http_get(
                    address,
                    endpoint.host_header,
                    endpoint.scrape_target + separator + query,
                    timeout=self.options.http_timeout,
                    max_bytes=self.options.max_response_bytes,
                    user_agent=self.options.user_agent,
                    tls_context=tls_context,
                    tls_server_name=endpoint.host,
                )
            except TimeoutError:
                # Only this request's own timeout ends up here: the tracker budget
                # cancels the request instead, and surfaces as TimeoutError in the caller.
                raise ScrapeFailure(f"HTTP request timed out after {self.options.http_timeout:g} s") from None
            if status != 200:
                # Redirects are not followed: the new location was not in the torrent.
                raise ScrapeFailure(f"HTTP status {status}")
            result.counts.update(parse_http_scrape(body, set(batch)))

    async def _resolve(self, endpoint: TrackerEndpoint, kind: int) -> tuple[str, int]:
        """Return the first address of the host, or raise AddressRejected if any is not public.

        The connection goes to this address, so a second lookup cannot
        return a different, internal one.
        """
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(endpoint.host, endpoint.port, type=kind)
        except socket.gaierror as error:
            raise ScrapeFailure(f"cannot resolve {endpoint.host}: {error.strerror}") from None
        addresses = [info[4] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
        if not addresses:
            raise ScrapeFailure(f"no IPv4 or IPv6 address for {endpoint.host}")
        if not self.options.allow_private_addresses:
            for address in addresses:
                if not _is_public(address[0]):
                    raise AddressRejected(f"{endpoint.host} resolves to the non-public address {address[0]}")
        return addresses[0][0], addresses[0][1]

    def _update_backoff(self, results: list[TrackerResult]) -> None:
        # A server counts as working when any of its endpoints responded.
        succeeded = {result.endpoint.server for result in results if result.responded}
        for result in results:
            server = result.endpoint.server
            if server in succeeded:
                self.backoff.record_success(server)
                continue
            if result.error is None:
                continue
            delay = self.backoff.record_failure(server)
            logger.debug("External tracker %s failed: %s; next attempt in %.0f s", server, result.error, delay)

    @staticmethod
    def _log_summary(report: ScrapeReport, seconds: float) -> None:
        failed = report.failed
        examples = ", ".join(f"{result.endpoint.server} ({result.error})" for result in failed[:3])
        logger.info(
            "External scrape finished in %.1f s: %d torrents with counts, %d trackers responded, "
            "%d failed%s, %d backing off, %d rejected as non-public",
            seconds,
            len(report.counts),
            sum(result.responded for result in report.results),
            len(failed),
            f" (for example {examples})" if failed else "",
            len(report.backed_off),
            len(report.rejected),
        )


def merge_counts(results: Iterable[TrackerResult], hash_keys: dict[bytes, list[str]]) -> dict[str, Counts]:
    """Return per torrent key the maximum seeders and the maximum leechers over all trackers and hashes.

    The maximum over the hashes at each tracker, then over the trackers, is
    the same as the maximum over all (tracker, hash) pairs, which is what
    this computes.
    """
    merged: dict[str, Counts] = {}
    for result in results:
        for info_hash, (seeders, leechers) in result.counts.items():
            for key in hash_keys.get(info_hash, ()):
                previous = merged.get(key)
                if previous is None:
                    merged[key] = (seeders, leechers)
                else:
                    merged[key] = (max(previous[0], seeders), max(previous[1], leechers))
    return merged


def _is_public(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
