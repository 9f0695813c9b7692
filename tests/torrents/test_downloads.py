import pytest
from django.conf import settings
from django.urls import reverse

from anirena.metainfo import parse_torrent
from anirena.torrents.models import Torrent
from anirena.torrents.services.upload import UploadRequest, upload_torrent
from tests.factories import libtorrent_hashes, make_torrent

pytestmark = pytest.mark.django_db


@pytest.fixture
def hybrid(uploader):
    data = make_torrent(
        version="hybrid",
        name="[Group] Show - 01 (1080p)",
        files={"Show 01.mkv": 70000, "extras/Notes.txt": 1200},
        trackers=[["udp://tracker.example.org:6969/announce"]],
    )
    torrent = upload_torrent(uploader, UploadRequest(data=data, category="anime", legacy_id=4242))
    return torrent, data


def test_download_keeps_hashes_site_tracker_first(client, hybrid):
    torrent, original = hybrid
    response = client.get(reverse("torrents:download", args=[torrent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bittorrent"
    assert "attachment;" in response["Content-Disposition"]
    assert ".torrent" in response["Content-Disposition"]
    downloaded = parse_torrent(response.content)
    assert libtorrent_hashes(response.content) == libtorrent_hashes(original)
    assert list(downloaded.trackers[0]) == settings.ANNOUNCE_URLS
    assert ("udp://tracker.example.org:6969/announce",) in downloaded.trackers


def test_magnet_redirect_opens_in_libtorrent(client, hybrid):
    import libtorrent as lt

    torrent, original = hybrid
    response = client.get(reverse("torrents:magnet", args=[torrent.pk]))
    assert response.status_code == 302
    magnet = response["Location"]
    assert magnet.startswith("magnet:?")
    params = lt.parse_magnet_uri(magnet)
    v1, v2 = libtorrent_hashes(original)
    assert str(params.info_hashes.v1) == v1
    assert params.info_hashes.v2.to_bytes().hex() == v2
    assert params.trackers[0] == settings.ANNOUNCE_URLS[0]


def test_bare_hex_id_is_accepted(client, hybrid):
    torrent, _ = hybrid
    response = client.get(f"/torrents/{torrent.pk.hex}.torrent")
    assert response.status_code == 200


def test_legacy_link_redirects_permanently(client, hybrid):
    torrent, _ = hybrid
    response = client.get("/dl/4242")
    assert response.status_code == 301
    assert response["Location"] == reverse("torrents:download", args=[torrent.pk])


def test_unknown_ids_are_404(client, db):
    assert client.get("/dl/999").status_code == 404
    assert client.get("/torrents/00000000-0000-0000-0000-000000000000.torrent").status_code == 404
    assert client.get("/torrents/00000000-0000-0000-0000-000000000000/magnet").status_code == 404
    assert client.get("/torrents/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/torrents/not-an-id").status_code == 404


def test_detail_page_shows_everything(client, hybrid):
    torrent, original = hybrid
    Torrent.objects.filter(pk=torrent.pk).update(description="# Notes\n\n<script>alert(1)</script> **bold**")
    response = client.get(torrent.get_absolute_url())
    body = response.content.decode()
    v1, v2 = libtorrent_hashes(original)
    assert response.status_code == 200
    assert v1 in body and v2 in body
    assert "Show 01.mkv" in body and "Notes.txt" in body and "extras" in body
    assert "udp://tracker.example.org:6969/announce" in body
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert reverse("torrents:download", args=[torrent.pk]) in body


def test_detail_panel_fragment_for_htmx(client, hybrid):
    torrent, _ = hybrid
    response = client.get(torrent.get_absolute_url(), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert torrent.title in body


def test_home_lists_newest_first(client, uploader):
    titles = []
    for number in range(3):
        data = make_torrent(name=f"Listing Show - {number:02d}")
        titles.append(upload_torrent(uploader, UploadRequest(data=data, category="anime")).title)
    body = client.get("/").content.decode()
    positions = [body.index(title) for title in reversed(titles)]
    assert positions == sorted(positions)


def test_home_paginates(client, uploader, settings):
    settings.TORRENTS_PER_PAGE = 2
    for number in range(5):
        upload_torrent(uploader, UploadRequest(data=make_torrent(name=f"Paged {number}"), category="anime"))
    first = client.get("/").content.decode()
    third = client.get("/?page=3").content.decode()
    assert "Paged 4" in first and "Paged 0" not in first
    assert "Paged 0" in third
