"""Real BitTorrent clients find each other through the site's tracker, and the site shows it.

A seeder and a downloader (libtorrent, then aria2) use only our tracker: DHT,
local peer discovery, peer exchange and UPnP/NAT-PMP are off and everything
binds to 127.0.0.1. Afterwards the detail page must show two seeders and one
completed download.
"""

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from anirena.testing import need
from tests.tracking.site_server import SiteServer, free_port

pytestmark = pytest.mark.slow

PIECE_SIZE = 16384


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = SiteServer(
        tmp_path_factory.mktemp("site"),
        ANIRENA_TRACKER_INTERVAL="5",
        ANIRENA_TRACKER_MIN_INTERVAL="1",
        ANIRENA_TRACKER_COMPLETED_FLUSH="1",
    )
    server.run("migrate", "--verbosity", "0")
    server.env["DJANGO_SUPERUSER_PASSWORD"] = "tracker-test-password-1"
    server.run("createsuperuser", "--noinput", "--username", "operator", "--email", "operator@example.org")
    yield server
    server.stop()


def make_payload_torrent(folder: Path, name: str, announce: str, version: str) -> bytes:
    import libtorrent as lt

    payload = folder / name
    payload.write_bytes(bytes(range(251)) * (12 * PIECE_SIZE // 251 + 1))
    storage = lt.file_storage()
    lt.add_files(storage, str(payload))
    flags = lt.create_torrent.v1_only if version == "v1" else 0
    creator = lt.create_torrent(storage, PIECE_SIZE, flags=flags)
    creator.add_tracker(announce, 0)
    lt.set_piece_hashes(creator, str(folder))
    return lt.bencode(creator.generate())


def import_torrent(site: SiteServer, folder: Path, data: bytes) -> str:
    path = folder / "upload.torrent"
    path.write_bytes(data)
    output = site.run("import-torrents", "--user", "operator", "--category", "anime", str(path))
    return re.search(r"id=([0-9a-f-]{36})", output).group(1)


def wait_until_tracked(site: SiteServer, data: bytes) -> None:
    """Wait until the running site's tracker serves a torrent that another process imported."""
    import libtorrent as lt
    from urllib.parse import quote_from_bytes

    info_hash = quote_from_bytes(lt.torrent_info(data).info_hashes().get_best().to_bytes()[:20])
    # A scrape leaves out torrents the tracker does not serve, so an empty file list means "not yet".
    tracked = wait_for(lambda: _fetch(f"{site.url}/scrape?info_hash={info_hash}") != b"d5:filesdee", 30)
    assert tracked, "the site's tracker did not pick up the imported torrent"


def _fetch(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def detail_counts(site: SiteServer, torrent_id: str) -> tuple[int, int, int]:
    page = site.get(f"/torrents/{torrent_id}")
    numbers = [int(re.search(rf'<dd class="{name}">(\d+)</dd>', page).group(1))
               for name in ("seeders", "leechers", "completed")]
    return tuple(numbers)


def wait_for(condition, seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def libtorrent_session():
    import libtorrent as lt

    settings = {
        "listen_interfaces": f"127.0.0.1:{free_port()}",
        "outgoing_interfaces": "127.0.0.1",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
    }
    # Session flags 0 load no default plugins, so peer exchange (ut_pex) is off.
    return lt.session(settings, 0)


def add_torrent(session, data: bytes, save_path: Path):
    import libtorrent as lt

    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(data)
    params.save_path = str(save_path)
    return session.add_torrent(params)


@pytest.mark.parametrize("protocol", ["http", "udp"])
def test_libtorrent_hybrid_through_site_tracker(site, tmp_path, protocol):
    need(_libtorrent_available(), "the libtorrent Python bindings are not installed")
    if site.process is None:
        site.start()
    announce = f"{site.url}/announce" if protocol == "http" else f"udp://127.0.0.1:{site.udp_port}/announce"
    seed_dir, leech_dir = tmp_path / "seed", tmp_path / "leech"
    seed_dir.mkdir()
    leech_dir.mkdir()
    data = make_payload_torrent(seed_dir, f"hybrid-{protocol}.mkv", announce, "hybrid")
    # Imported by another process while the site runs: the site's tracker picks it up by polling.
    torrent_id = import_torrent(site, tmp_path, data)
    wait_until_tracked(site, data)

    seeder, leecher = libtorrent_session(), libtorrent_session()
    add_torrent(seeder, data, seed_dir)
    leech_handle = add_torrent(leecher, data, leech_dir)
    finished = wait_for(lambda: leech_handle.status().is_seeding)
    shown = wait_for(lambda: detail_counts(site, torrent_id) == (2, 0, 1))
    counts = detail_counts(site, torrent_id)
    del seeder, leecher

    assert finished, "the downloader did not complete through the tracker"
    assert (leech_dir / f"hybrid-{protocol}.mkv").read_bytes() == (seed_dir / f"hybrid-{protocol}.mkv").read_bytes()
    assert shown, f"the site shows seeders, leechers, completed = {counts}, expected (2, 0, 1)"


def test_aria2_v1_through_site_tracker(site, tmp_path):
    need(shutil.which("aria2c") is not None, "aria2c is not installed (apt-get install aria2)")
    need(_libtorrent_available(), "the libtorrent Python bindings are not installed")
    if site.process is None:
        site.start()
    seed_dir, leech_dir = tmp_path / "seed", tmp_path / "leech"
    seed_dir.mkdir()
    leech_dir.mkdir()
    data = make_payload_torrent(seed_dir, "aria2-v1.mkv", f"{site.url}/announce", "v1")
    torrent_id = import_torrent(site, tmp_path, data)
    wait_until_tracked(site, data)
    torrent_file = tmp_path / "aria2.torrent"
    torrent_file.write_bytes(data)

    seeder = _aria2(torrent_file, seed_dir, check=True)
    try:
        leecher = _aria2(torrent_file, leech_dir, check=False)
        try:
            finished = wait_for(lambda: (leech_dir / "aria2-v1.mkv").exists()
                                and (leech_dir / "aria2-v1.mkv").read_bytes() == (seed_dir / "aria2-v1.mkv").read_bytes()
                                and not (leech_dir / "aria2-v1.mkv.aria2").exists())
            shown = wait_for(lambda: detail_counts(site, torrent_id) == (2, 0, 1))
            counts = detail_counts(site, torrent_id)
        finally:
            _stop(leecher)
    finally:
        _stop(seeder)

    assert finished, "aria2 did not complete the download through the tracker"
    assert shown, f"the site shows seeders, leechers, completed = {counts}, expected (2, 0, 1)"


def test_raw_binary_announce_on_the_site_port(site, tmp_path):
    """An announce whose info_hash and peer_id bytes are not percent-encoded reaches the tracker."""
    import libtorrent as lt
    import socket
    from urllib.parse import quote_from_bytes

    need(_libtorrent_available(), "the libtorrent Python bindings are not installed")
    if site.process is None:
        site.start()
    data = make_payload_torrent(tmp_path, "raw-bytes.mkv", f"{site.url}/announce", "v1")
    import_torrent(site, tmp_path, data)
    wait_until_tracked(site, data)
    info_hash = lt.torrent_info(data).info_hashes().v1.to_bytes()
    peer_id = bytes(range(0x80, 0x94))
    # Only `&`, `%` and LF must be encoded; every other byte goes raw.
    raw = lambda value: b"".join(b"%%%02X" % byte if byte in b"&%\n" else bytes([byte]) for byte in value)  # noqa: E731

    with socket.create_connection(("127.0.0.1", site.port), timeout=5) as connection:
        connection.sendall(b"GET /announce?info_hash=" + raw(info_hash) + b"&peer_id=" + raw(peer_id)
                           + b"&port=6881&uploaded=0&downloaded=0&left=0&compact=1 HTTP/1.1\r\n"
                           + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    scrape = _fetch(f"{site.url}/scrape?info_hash={quote_from_bytes(info_hash)}")

    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b"8:completei1e" in scrape, scrape


def _aria2(torrent_file: Path, folder: Path, *, check: bool) -> subprocess.Popen:
    command = [
        "aria2c", "--dir", str(folder), "--seed-ratio=0.0", "--enable-dht=false", "--enable-dht6=false",
        "--bt-enable-lpd=false", "--enable-peer-exchange=false", f"--listen-port={free_port()}",
        "--interface=127.0.0.1", "--disable-ipv6=true", "--bt-tracker-interval=5", "--summary-interval=0",
        "--console-log-level=warn", "--file-allocation=none", "--follow-torrent=false",
        f"--check-integrity={'true' if check else 'false'}", "--bt-seed-unverified=false", str(torrent_file),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _libtorrent_available() -> bool:
    try:
        import libtorrent  # noqa: F401
    except ImportError:
        return False
    return True
