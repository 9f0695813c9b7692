import time

import pytest

from anirena.metainfo import parse_torrent
from tests.factories import libtorrent_hashes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_data")]


def verify_with_libtorrent(torrent_bytes: bytes, save_path) -> float:
    """Check the payload against the torrent's piece hashes in a libtorrent session; return progress."""
    import libtorrent as lt

    session = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "alert_mask": lt.alert_category.status,
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent_bytes)
    params.save_path = str(save_path)
    params.trackers = []
    handle = session.add_torrent(params)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        session.wait_for_alert(500)
        if any(isinstance(alert, lt.torrent_checked_alert) for alert in session.pop_alerts()):
            break
    return handle.status().progress


@pytest.mark.parametrize("version", ["hybrid", "v1", "v2"])
def test_create_tab_builds_valid_torrent(page, live_server, tmp_path, settings, uploader, version):
    settings.ANNOUNCE_URLS = [f"{live_server.url}/announce"]
    payload = tmp_path / "My Folder"
    payload.mkdir()
    (payload / "episode 01.mkv").write_bytes(bytes(range(256)) * 300)  # 76800 bytes: several pieces
    (payload / "notes.txt").write_bytes(b"release notes\n" * 100)      # 1400 bytes
    (payload / "empty.nfo").write_bytes(b"")

    page.context.add_cookies([_session_cookie(live_server, uploader)])
    page.goto("/upload")
    page.click("#tab-create")
    page.set_input_files("#create-files", [str(payload / name) for name in ("episode 01.mkv", "notes.txt", "empty.nfo")])
    page.fill("#create-name", "My Folder")
    page.select_option("#create-version", version)
    page.select_option("#create-piece-length", "16384")
    page.click("#create-form button[type=submit]")
    page.wait_for_selector("#create-download:not([hidden])")
    with page.expect_download() as download_info:
        page.click("#create-download")
    created = download_info.value.path().read_bytes()

    meta = parse_torrent(created)
    assert meta.version == version
    assert libtorrent_hashes(created) == (meta.info_hash_v1, meta.info_hash_v2)
    names = sorted(entry.path.removeprefix("My Folder/") for entry in meta.files)
    assert meta.name == "My Folder"
    assert names == ["empty.nfo", "episode 01.mkv", "notes.txt"]
    assert verify_with_libtorrent(created, tmp_path) == 1.0

    # The created torrent is now chosen in the Upload tab and uploads like any other.
    page.select_option("#id_category", "anime")
    page.click("form.upload-form button[type=submit]")
    page.wait_for_selector("h1:has-text('My Folder')")


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}
