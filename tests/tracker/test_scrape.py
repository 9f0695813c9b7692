"""External tracker scrapes against real trackers on 127.0.0.1: ours and the npm bittorrent-tracker."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import socket
import ssl
import subprocess

import pytest

from anirena.testing import need
from anirena.tracker.config import TrackerConfig
from anirena.tracker.core import Tracker
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.scrape import (
    ExternalScraper,
    ScrapeOptions,
    TorrentTrackers,
    TrackerBackoff,
    parse_tracker_url,
    scrape_round,
)
from anirena.tracker.scrape.responses import ScrapeFailure, decode_bencode, parse_http_scrape, parse_udp_scrape
from anirena.tracker.scrape.urls import TrackerEndpoint
from anirena.tracker.server import TrackerService
from anirena.tracker.store.memory import MemoryPeerStore
from tests.tracker.scrape_helpers import BittorrentTrackerProcess, need_bittorrent_tracker, udp_announce

# Torrents registered at our tracker: 100 v1 torrents, so that one scrape
# needs more than one request, and a hybrid one with two hashes.
V1_HASHES = [bytes([number]) * 4 + bytes(range(200, 216)) for number in range(100)]
HYBRID = ("hybrid", (b"\x01" * 20, b"\x02" * 20))
LOCAL = ScrapeOptions(allow_private_addresses=True, udp_timeout=1.0)
# Small timeouts keep the tests of trackers that never respond short.
QUICK = dataclasses.replace(LOCAL, udp_timeout=0.2, http_timeout=0.5)


@dataclasses.dataclass
class RunningTracker:
    service: TrackerService

    @property
    def udp_address(self) -> tuple[str, int]:
        return self.service.udp_address

    @property
    def udp_url(self) -> str:
        return f"udp://127.0.0.1:{self.service.udp_address[1]}/announce"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.service.http_address[1]}/announce"


@pytest.fixture
async def our_tracker(anyio_backend):
    entries = [(f"t{number}", [info_hash]) for number, info_hash in enumerate(V1_HASHES)]
    registry = StaticRegistry(entries + [HYBRID])
    config = TrackerConfig(secret=b"scrape tests")
    tracker = Tracker(config, registry, MemoryPeerStore(config.effective_peer_ttl))
    service = TrackerService(tracker, udp_host="127.0.0.1", udp_port=0, http_port=0)
    await service.start()
    yield RunningTracker(service)
    await service.stop()


@pytest.fixture
def node_tracker():
    need_bittorrent_tracker()
    process = BittorrentTrackerProcess()
    yield process
    process.stop()


async def announce(address, info_hash: bytes, seeders: int, leechers: int, first_port: int = 7000) -> None:
    """Announce `seeders` seeding and `leechers` leeching peers from 127.0.0.1, one port each."""
    for number in range(seeders + leechers):
        port = first_port + number
        await asyncio.to_thread(udp_announce, address, info_hash, port, port, seeder=number < seeders)


def v1_torrents(url: str) -> list[TorrentTrackers]:
    return [TorrentTrackers(f"t{number}", (info_hash,), (url,)) for number, info_hash in enumerate(V1_HASHES)]


class SilentUdpTracker:
    """UDP socket on 127.0.0.1 that counts datagrams and never responds."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.url = f"udp://127.0.0.1:{self.socket.getsockname()[1]}/announce"

    def received(self) -> int:
        count = 0
        while True:
            try:
                self.socket.recv(4096)
            except BlockingIOError:
                return count
            count += 1

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def silent_udp():
    tracker = SilentUdpTracker()
    yield tracker
    tracker.close()


class FakeHttpTracker:
    """HTTP server on 127.0.0.1 that sends one fixed response, or nothing, and records request heads."""

    def __init__(self, response: bytes | None) -> None:
        self.response = response
        self.requests: list[bytes] = []
        self.server: asyncio.AbstractServer | None = None

    async def start(self, tls_context: ssl.SSLContext | None = None) -> FakeHttpTracker:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=tls_context)
        return self

    @property
    def announce_url(self) -> str:
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/announce"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.requests.append(await reader.readuntil(b"\r\n\r\n"))
        if self.response is None:
            await asyncio.sleep(30)
        else:
            writer.write(self.response)
            await writer.drain()
        writer.close()

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()


def http_response(status: str, body: bytes, extra_headers: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra_headers}\r\n"
    return head.encode() + body


# -- announce URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("udp://tracker.example.org:1337/announce", TrackerEndpoint("udp", "tracker.example.org", 1337, "")),
        ("UDP://Tracker.Example.org:1337", TrackerEndpoint("udp", "tracker.example.org", 1337, "")),
        ("udp://[2001:db8::1]:6969/announce", TrackerEndpoint("udp", "2001:db8::1", 6969, "")),
        ("http://tracker.example.org/announce", TrackerEndpoint("http", "tracker.example.org", 80, "/scrape")),
        ("https://t.example.org:8443/a/announce.php?pk=ab", TrackerEndpoint("https", "t.example.org", 8443, "/a/scrape.php?pk=ab")),
        ("http://t.example.org/announce/", None),
        ("http://t.example.org/tracker", None),
        ("http://t.example.org/x/announce/y", None),
        ("udp://tracker.example.org/announce", None),
        ("udp://tracker.example.org:99999/announce", None),
        ("wss://tracker.example.org/announce", None),
        ("dht://0123456789abcdef0123456789abcdef01234567", None),
        ("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", None),
        ("http:///announce", None),
        ("http://t.example.org/announce?a=1\r\nX-Injected: 1", None),
        ("http://t.example.org/announce?name=ü", None),
        ("not a url", None),
    ],
)
def test_parse_tracker_url(url, expected):
    assert parse_tracker_url(url) == expected


# -- response decoding ----------------------------------------------------------------------


def test_http_scrape_body_lenient_about_key_order():
    requested = b"a" * 20
    body = b"d5:filesd20:" + requested + b"d10:incompletei3e8:completei5eee5:flagsd0:i1eee\n"

    assert parse_http_scrape(body, {requested}) == {requested: (5, 3)}


def test_http_scrape_body_ignores_unrequested_and_negative():
    requested, other = b"a" * 20, b"b" * 20
    body = (
        b"d5:filesd20:" + requested + b"d8:completei-4e10:incompletei2ee"
        b"20:" + other + b"d8:completei9e10:incompletei9eeee"
    )

    assert parse_http_scrape(body, {requested}) == {requested: (0, 2)}


@pytest.mark.parametrize(
    "body",
    [
        b"d14:failure reason19:scrape not allowede",
        b"<html>Not a tracker</html>",
        b"d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1e",
        b"d8:intervali1800ee",
        b"99999:short",
        b"l" * 100 + b"e" * 100,
    ],
)
def test_http_scrape_body_rejected(body):
    with pytest.raises(ScrapeFailure):
        parse_http_scrape(body, {b"a" * 20})


def test_decode_bencode_rejects_trailing_data():
    with pytest.raises(ValueError):
        decode_bencode(b"i1ei2e")


def test_udp_scrape_response_shorter_than_request():
    hashes = [b"a" * 20, b"b" * 20]
    response = bytes.fromhex("00000002 01020304 00000007 00000001 00000002".replace(" ", ""))

    assert parse_udp_scrape(response, hashes) == {b"a" * 20: (7, 2)}


def test_udp_scrape_error_response():
    with pytest.raises(ScrapeFailure, match="torrent not allowed"):
        parse_udp_scrape(bytes.fromhex("0000000301020304") + b"torrent not allowed", [b"a" * 20])


# -- backoff ----------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_up_to_maximum():
    backoff = TrackerBackoff(base=100, maximum=1000, clock=FakeClock())

    delays = [backoff.record_failure("udp://t:1") for _ in range(6)]

    assert delays == [100, 200, 400, 800, 1000, 1000]
    assert backoff.failures("udp://t:1") == 6


def test_backoff_blocks_until_retry_time():
    clock = FakeClock()
    backoff = TrackerBackoff(base=100, maximum=1000, clock=clock)
    backoff.record_failure("udp://t:1")

    assert backoff.is_blocked("udp://t:1")
    assert not backoff.is_blocked("udp://other:1")
    clock.now += 100
    assert not backoff.is_blocked("udp://t:1")


def test_backoff_success_forgets_failures():
    backoff = TrackerBackoff(base=100, maximum=1000, clock=FakeClock())
    backoff.record_failure("udp://t:1")
    backoff.record_failure("udp://t:1")

    backoff.record_success("udp://t:1")

    assert backoff.failures("udp://t:1") == 0
    assert backoff.record_failure("udp://t:1") == 100


def test_backoff_state_round_trip():
    clock = FakeClock()
    saved = TrackerBackoff(base=100, maximum=1000, clock=clock)
    saved.record_failure("udp://a:1")
    saved.record_failure("udp://a:1")
    saved.record_failure("http://b:80")

    restored = TrackerBackoff(base=100, maximum=1000, clock=clock)
    restored.load_state(saved.to_state())

    assert restored.failures("udp://a:1") == 2
    assert restored.retry_at("udp://a:1") == clock.now + 200
    assert restored.is_blocked("http://b:80")


def test_backoff_state_skips_malformed_and_stale_entries():
    clock = FakeClock()
    backoff = TrackerBackoff(base=100, maximum=1000, clock=clock)
    backoff.load_state({"udp://a:1": "x", "udp://b:1": [1], "udp://c:1": [2, clock.now + 50], 7: [1, 0]})

    assert len(backoff) == 1
    assert backoff.is_blocked("udp://c:1")
    clock.now += 2000
    assert backoff.to_state() == {}


def test_backoff_keeps_at_most_max_entries():
    backoff = TrackerBackoff(base=100, maximum=1000, max_entries=3, clock=FakeClock())

    for number in range(5):
        backoff.record_failure(f"udp://t{number}:1")

    assert len(backoff) == 3


# -- scrapes of our tracker ----------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("protocol", ["udp", "http"])
async def test_scrape_our_tracker_in_batches(our_tracker, protocol):
    await announce(our_tracker.udp_address, V1_HASHES[0], seeders=2, leechers=1)
    await announce(our_tracker.udp_address, V1_HASHES[99], seeders=0, leechers=3)
    url = our_tracker.udp_url if protocol == "udp" else our_tracker.http_url

    # 100 hashes are more than one UDP (74) or HTTP (50) request may carry,
    # and our tracker rejects scrapes of more than 74 hashes.
    report = await ExternalScraper(LOCAL).scrape(v1_torrents(url))

    assert report.failed == []
    assert len(report.counts) == 100
    assert report.counts["t0"] == (2, 1)
    assert report.counts["t99"] == (0, 3)
    assert report.counts["t50"] == (0, 0)


@pytest.mark.anyio
async def test_scrape_small_batches(our_tracker):
    await announce(our_tracker.udp_address, V1_HASHES[5], seeders=1, leechers=0)
    options = dataclasses.replace(LOCAL, udp_batch_size=3, http_batch_size=3)
    torrents = [
        TorrentTrackers(f"t{number}", (V1_HASHES[number],), (our_tracker.udp_url, our_tracker.http_url))
        for number in range(10)
    ]

    report = await ExternalScraper(options).scrape(torrents)

    assert report.failed == []
    assert len(report.results) == 2
    assert report.counts["t5"] == (1, 0)
    assert report.counts["t9"] == (0, 0)


@pytest.mark.anyio
async def test_hybrid_takes_max_over_hashes(our_tracker):
    v1, v2 = HYBRID[1]
    # A v2-capable client announces both hashes: the swarms overlap.
    await announce(our_tracker.udp_address, v1, seeders=2, leechers=1, first_port=7000)
    await announce(our_tracker.udp_address, v2, seeders=1, leechers=3, first_port=7100)
    torrent = TorrentTrackers("hybrid", (v1, v2), (our_tracker.udp_url,))

    report = await ExternalScraper(LOCAL).scrape([torrent])

    assert report.counts == {"hybrid": (2, 3)}


@pytest.mark.anyio
async def test_own_announce_urls_not_scraped(our_tracker, silent_udp):
    own_http = silent_udp.url.replace("udp://", "http://") + "/"
    torrent = TorrentTrackers("t0", (V1_HASHES[0],), (silent_udp.url.upper().replace("/ANNOUNCE", "/announce"), own_http))
    scraper = ExternalScraper(LOCAL, exclude_urls=[silent_udp.url, own_http.rstrip("/")])

    report = await scraper.scrape([torrent])

    assert report.results == []
    assert report.counts == {}
    assert silent_udp.received() == 0


@pytest.mark.anyio
async def test_unscrapeable_urls_ignored(silent_udp):
    port = silent_udp.url.rsplit(":", 1)[1]
    urls = (
        f"wss://127.0.0.1:{port}/announce",
        f"http://127.0.0.1:{port}/tracker",
        f"udp://127.0.0.1/announce",
        "dht://abc",
        "",
        "udp://bad host:1/announce",
    )

    report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (V1_HASHES[0],), urls)])

    assert report.results == []
    assert silent_udp.received() == 0


@pytest.mark.anyio
async def test_non_public_address_rejected_by_default(silent_udp):
    torrent = TorrentTrackers("t0", (V1_HASHES[0],), (silent_udp.url, "http://localhost:9/announce"))

    report = await ExternalScraper().scrape([torrent])

    assert sorted(report.rejected) == sorted([silent_udp.url.removesuffix("/announce"), "http://localhost:9"])
    assert report.results == []
    assert silent_udp.received() == 0


# -- scrapes of the npm bittorrent-tracker --------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("protocol", ["udp", "http"])
async def test_scrape_bittorrent_tracker(node_tracker, protocol):
    # Bytes of 0x80 and above exercise the UTF-8 keys of its HTTP scrape response.
    await announce(node_tracker.udp_address, V1_HASHES[1], seeders=1, leechers=2)
    await announce(node_tracker.udp_address, V1_HASHES[80], seeders=3, leechers=0)
    url = node_tracker.udp_url if protocol == "udp" else node_tracker.http_url

    report = await ExternalScraper(LOCAL).scrape(v1_torrents(url))

    assert report.failed == []
    assert report.counts["t1"] == (1, 2)
    assert report.counts["t80"] == (3, 0)
    assert report.counts["t2"] == (0, 0)


@pytest.mark.anyio
async def test_max_over_two_trackers(our_tracker, node_tracker):
    await announce(our_tracker.udp_address, V1_HASHES[3], seeders=4, leechers=1)
    await announce(node_tracker.udp_address, V1_HASHES[3], seeders=1, leechers=5)
    torrent = TorrentTrackers("t3", (V1_HASHES[3],), (our_tracker.http_url, node_tracker.udp_url))

    report = await ExternalScraper(LOCAL).scrape([torrent])

    assert len(report.results) == 2
    assert report.counts == {"t3": (4, 5)}


@pytest.mark.anyio
async def test_scrape_over_ipv6_loopback(node_tracker):
    # Peers announced over IPv4 are in the same swarm as seen over IPv6.
    await announce(node_tracker.udp_address, V1_HASHES[4], seeders=2, leechers=2)
    url = f"udp://[::1]:{node_tracker.udp6_port}/announce"

    report = await ExternalScraper(LOCAL).scrape([TorrentTrackers("t4", (V1_HASHES[4],), (url,))])

    assert report.failed == []
    assert report.counts == {"t4": (2, 2)}


# -- failing trackers ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_silent_udp_tracker_fails_after_tries(silent_udp):
    scraper = ExternalScraper(QUICK)

    report = await scraper.scrape([TorrentTrackers("t0", (V1_HASHES[0],), (silent_udp.url,))])

    assert report.counts == {}
    assert len(report.failed) == 1
    assert "no response after 2 tries" in report.failed[0].error
    # Two connect requests, then nothing more for this round.
    assert silent_udp.received() == 2
    assert scraper.backoff.failures(report.failed[0].endpoint.server) == 1


@pytest.mark.anyio
async def test_failed_tracker_skipped_next_round(silent_udp, our_tracker):
    await announce(our_tracker.udp_address, V1_HASHES[0], seeders=1, leechers=0)
    torrent = TorrentTrackers("t0", (V1_HASHES[0],), (silent_udp.url, our_tracker.udp_url))
    scraper = ExternalScraper(QUICK)
    await scraper.scrape([torrent])
    silent_udp.received()

    report = await scraper.scrape([torrent])

    assert report.backed_off == [silent_udp.url.removesuffix("/announce")]
    assert silent_udp.received() == 0
    assert report.counts == {"t0": (1, 0)}


@pytest.mark.anyio
async def test_closed_udp_port_fails():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"udp://127.0.0.1:{probe.getsockname()[1]}/announce"

    report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (V1_HASHES[0],), (url,))])

    assert report.counts == {}
    assert len(report.failed) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("response", "error"),
    [
        (http_response("500 Internal Server Error", b"oops"), "HTTP status 500"),
        (http_response("200 OK", b"<html>hello</html>"), "invalid bencoded"),
        (http_response("200 OK", b"d14:failure reason9:forbiddene"), "forbidden"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "invalid status line"),
        (None, "HTTP request timed out after 0.5 s"),
    ],
)
async def test_http_tracker_failures(anyio_backend, response, error):
    fake = await FakeHttpTracker(response).start()
    try:
        report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (V1_HASHES[0],), (fake.announce_url,))])
    finally:
        await fake.close()

    assert report.counts == {}
    assert len(report.failed) == 1
    assert error in report.failed[0].error


@pytest.mark.anyio
async def test_tracker_budget_ends_scrape(silent_udp):
    options = dataclasses.replace(QUICK, udp_timeout=5.0, tracker_budget=0.3)

    report = await ExternalScraper(options).scrape([TorrentTrackers("t0", (V1_HASHES[0],), (silent_udp.url,))])

    assert report.failed[0].error == "no response within the time budget"
    assert report.failed[0].incomplete
    assert silent_udp.received() == 1


@pytest.mark.anyio
async def test_http_redirect_not_followed(anyio_backend):
    target = await FakeHttpTracker(http_response("200 OK", b"d5:filesdee")).start()
    redirect = http_response("302 Found", b"", f"Location: {target.announce_url.replace('announce', 'scrape')}\r\n")
    source = await FakeHttpTracker(redirect).start()
    try:
        report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (V1_HASHES[0],), (source.announce_url,))])
    finally:
        await source.close()
        await target.close()

    assert "HTTP status 302" in report.failed[0].error
    assert len(source.requests) == 1
    assert target.requests == []


@pytest.mark.anyio
async def test_http_request_keeps_passkey_and_encodes_hashes(anyio_backend):
    info_hash = bytes(range(20))
    body = b"d5:filesd20:" + info_hash + b"d8:completei1e10:downloadedi0e10:incompletei0eeee"
    fake = await FakeHttpTracker(http_response("200 OK", body, "Connection: close\r\n")).start()
    url = fake.announce_url.replace("/announce", "/x/announce.php?passkey=abc")
    try:
        report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (info_hash,), (url,))])
    finally:
        await fake.close()

    request_line = fake.requests[0].split(b"\r\n")[0]
    assert request_line == (
        b"GET /x/scrape.php?passkey=abc&info_hash=%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13 HTTP/1.1"
    )
    assert report.counts == {"t0": (1, 0)}


@pytest.mark.anyio
async def test_https_scrape_checks_certificate(anyio_backend, tmp_path):
    need(shutil.which("openssl") is not None, "openssl is not installed; apt-get install openssl")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)
    info_hash = b"d" * 20
    body = b"d5:filesd20:" + info_hash + b"d8:completei3e10:incompletei1eeee"
    fake = await FakeHttpTracker(http_response("200 OK", body)).start(server_context)
    torrent = TorrentTrackers("t0", (info_hash,), (fake.announce_url.replace("http://", "https://"),))
    try:
        trusted = await ExternalScraper(QUICK, tls_context=ssl.create_default_context(cafile=certificate)).scrape([torrent])
        untrusted = await ExternalScraper(QUICK).scrape([torrent])
    finally:
        await fake.close()

    assert trusted.counts == {"t0": (3, 1)}
    assert untrusted.counts == {}
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.failed[0].error


@pytest.mark.anyio
async def test_chunked_http_response(anyio_backend):
    info_hash = b"c" * 20
    body = b"d5:filesd20:" + info_hash + b"d8:completei2e10:incompletei7eeee"
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%b\r\n0\r\n\r\n" % (len(body), body)
    fake = await FakeHttpTracker(chunked).start()
    try:
        report = await ExternalScraper(QUICK).scrape([TorrentTrackers("t0", (info_hash,), (fake.announce_url,))])
    finally:
        await fake.close()

    assert report.counts == {"t0": (2, 7)}


# -- the round function --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_scrape_round_on_plain_data(our_tracker, silent_udp):
    await announce(our_tracker.udp_address, V1_HASHES[7], seeders=1, leechers=1)
    torrents = [
        ("t7", [V1_HASHES[7]], [our_tracker.udp_url, silent_udp.url, "wss://tracker.example.org"]),
        ("t8", [V1_HASHES[8]], ["https://127.0.0.1:1/tracker"]),
    ]

    first = await scrape_round(torrents, options=QUICK)
    second = await scrape_round(torrents, options=QUICK, backoff_state=first.backoff_state)

    assert first.counts == {"t7": (1, 1)}
    assert list(first.backoff_state) == [silent_udp.url.removesuffix("/announce")]
    assert second.report.backed_off == [silent_udp.url.removesuffix("/announce")]
    assert second.counts == {"t7": (1, 1)}
