"""Parsing of external tracker announce URLs into the endpoints that the scraper contacts.

Only `udp://`, `http://` and `https://` URLs can be scraped. An HTTP tracker
is scraped at the URL that BEP 48 derives from its announce URL: the last
path segment must start with `announce`, and that word becomes `scrape`
(`/announce.php?pk=1` becomes `/scrape.php?pk=1`). Trackers whose URL does
not follow that convention do not support scrapes and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

SCRAPEABLE_SCHEMES = ("udp", "http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TrackerEndpoint(NamedTuple):
    """One external tracker to scrape. Equal endpoints are scraped once per round."""

    scheme: str
    # Lower-case host name or IP address, without IPv6 brackets.
    host: str
    port: int
    # HTTP: path and query of the scrape URL. UDP: empty.
    scrape_target: str

    @property
    def server(self) -> str:
        """Return `scheme://host:port`, the key under which failures are remembered."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == _DEFAULT_PORTS.get(self.scheme):
            return host
        return f"{host}:{self.port}"


def parse_tracker_url(url: str) -> TrackerEndpoint | None:
    """Return the scrape endpoint of an announce URL, or None if it cannot be scraped.

    None for other schemes (wss, dht, magnet), malformed URLs, UDP URLs
    without a port and HTTP URLs without an `announce` path segment. URLs
    with spaces, control characters or non-ASCII text are None too, since
    they would need escaping before they could go into a request line.
    """
    parts = _split(url)
    if parts is None or parts.scheme not in SCRAPEABLE_SCHEMES:
        return None
    host = parts.hostname
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not host or not port:
        return None
    if parts.scheme == "udp":
        return TrackerEndpoint("udp", host, port, "")

    scrape_path = _scrape_path(parts.path)
    if scrape_path is None:
        return None
    target = f"{scrape_path}?{parts.query}" if parts.query else scrape_path
    return TrackerEndpoint(parts.scheme, host, port, target)


def announce_url_identity(url: str) -> tuple[str, str, int | None, str, str] | None:
    """Return a comparable form of an announce URL, or None if it is malformed.

    Scheme and host are case-insensitive, a default port equals no port, and
    a trailing slash of the path is ignored, so that the site's own announce
    URLs are recognised however a torrent spells them.
    """
    parts = _split(url)
    if parts is None or not parts.hostname:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    return parts.scheme, parts.hostname, port, parts.path.rstrip("/"), parts.query


def endpoints_of(urls: Iterable[str], excluded: set[tuple] | frozenset[tuple]) -> list[TrackerEndpoint]:
    """Return the distinct scrape endpoints of `urls`, leaving out URLs whose identity is in `excluded`."""
    endpoints: dict[TrackerEndpoint, None] = {}
    for url in urls:
        if not isinstance(url, str) or announce_url_identity(url) in excluded:
            continue
        endpoint = parse_tracker_url(url)
        if endpoint is not None:
            endpoints[endpoint] = None
    return list(endpoints)


def _split(url: str) -> SplitResult | None:
    text = url.strip()
    if not text.isascii() or any(character <= " " or character == "\x7f" for character in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return parts._replace(scheme=parts.scheme.lower())


def _scrape_path(path: str) -> str | None:
    head, slash, last = path.rpartition("/")
    if not slash or not last.startswith("announce"):
        return None
    return f"{head}/scrape{last[len('announce'):]}"
