import re

import pytest
from django.core import mail

from anirena.torrents.models import Torrent
from tests.factories import libtorrent_hashes, make_torrent

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_data")]


def test_new_user_signs_up_uploads_and_downloads(page, live_server, tmp_path, settings):
    settings.ANNOUNCE_URLS = [f"{live_server.url}/announce"]
    settings.SITE_URL = live_server.url

    # Sign up and activate from the emailed link.
    page.goto("/account/signup")
    page.fill("#id_username", "browseruser")
    page.fill("#id_email", "browser@example.org")
    page.fill("#id_password1", "violet-anchor-mosaic-42")
    page.fill("#id_password2", "violet-anchor-mosaic-42")
    page.check("#id_accept_terms")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your email")
    link = re.search(r"(http://\S+/account/activate/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.wait_for_selector("text=is active")

    # Sign in.
    page.fill("#id_login", "browseruser")
    page.fill("#id_password", "violet-anchor-mosaic-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # Upload through the form; choosing the file shows its trackers.
    data = make_torrent(name="[Browser] Upload Test - 01 (1080p)", version="hybrid")
    path = tmp_path / "release.torrent"
    path.write_bytes(data)
    page.goto("/upload")
    page.set_input_files("#id_torrent", str(path))
    page.wait_for_selector("#preview dl")
    assert "[Browser] Upload Test" in page.inner_text("#preview")
    page.select_option("#id_category", "anime")
    page.fill("#id_description", "**Bold** notes")
    page.click("form.upload-form button[type=submit]")
    page.wait_for_selector("h1:has-text('[Browser] Upload Test - 01 (1080p)')")
    assert page.inner_text(".description strong") == "Bold"

    # It is listed on the home page; the name opens the detail panel beside the list.
    page.goto("/")
    page.click("table.torrents a:has-text('[Browser] Upload Test')")
    page.wait_for_selector("#panel .torrent-detail")
    v1, v2 = libtorrent_hashes(data)
    assert v1 in page.inner_text("#panel")

    # The download button delivers a .torrent with the same info hashes.
    with page.expect_download() as download_info:
        page.click("#panel a:has-text('Download .torrent')")
    downloaded = download_info.value.path().read_bytes()
    assert libtorrent_hashes(downloaded) == (v1, v2)
    assert Torrent.objects.count() == 1
