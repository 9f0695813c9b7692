from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from anirena.comments.services import delete_comment, post_comment
from anirena.torrents import peers
from anirena.torrents.links import magnet_uri
from anirena.torrents.models import Torrent
from tests.api.conftest import error_of
from tests.community_factories import make_group, upload
from tests.factories import make_torrent

pytestmark = pytest.mark.django_db

DETAIL_FIELDS = {
    "id", "title", "info_hash_v1", "info_hash_v2", "size_fmt", "completed", "seeders", "leechers", "ext_seeders",
    "ext_leechers", "created_at", "torrent_created", "created_by_client", "cat_name", "cat_slug", "sub_name",
    "sub_slug", "group_name", "group_slug", "uploader", "uploader_id", "description", "comment", "is_private",
    "magnet", "languages", "tracker_tiers", "files", "comments_enabled", "comments_locked", "comment_count",
}


def detail_url(torrent_id) -> str:
    return f"/api/v1/torrent/{torrent_id}"


@pytest.fixture
def release(alice):
    from anirena.torrents.services.upload import UploadRequest, upload_torrent

    data = make_torrent(name="My Release", files={"episode-01.mkv": 50000, "extras/nc-op.mkv": 20000},
                        trackers=[["udp://tracker.example.org:6969/announce"]], comment="Encoded by us")
    group = make_group(alice, name="Alice Subs")
    torrent = upload_torrent(alice, UploadRequest(
        data=data, category="anime", sub_category="raw", languages=["ja", "en"], group_id=group.pk,
        description="# My Release\n\nRelease notes here.",
    ))
    Torrent.objects.filter(pk=torrent.pk).update(ext_seeders=128, ext_leechers=14, completed=42)
    return Torrent.objects.get(pk=torrent.pk)


def test_detail_fields(api, alice, release):
    response = api.get(detail_url(release.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["id"] == str(release.pk)
    assert body["title"] == "My Release"
    assert (body["info_hash_v1"], body["info_hash_v2"]) == (release.info_hash_v1, release.info_hash_v2)
    assert body["size_fmt"] == "68.4 KB"
    assert (body["completed"], body["ext_seeders"], body["ext_leechers"]) == (42, 128, 14)
    assert (body["cat_name"], body["cat_slug"], body["sub_name"], body["sub_slug"]) == ("Anime", "anime", "Raw", "raw")
    assert (body["group_name"], body["group_slug"]) == ("Alice Subs", "alice-subs")
    assert (body["uploader"], body["uploader_id"]) == ("alice", str(alice.pk))
    assert body["description"] == "# My Release\n\nRelease notes here."
    assert body["comment"] == "Encoded by us"
    assert body["created_by_client"] == "anirena-tests"
    assert body["is_private"] is False
    assert body["magnet"] == magnet_uri(release)
    assert body["languages"] == [
        {"code": "ja", "name": "Japanese", "country_code": "jp"},
        {"code": "en", "name": "English", "country_code": "gb"},
    ] or body["languages"] == [
        {"code": "en", "name": "English", "country_code": "gb"},
        {"code": "ja", "name": "Japanese", "country_code": "jp"},
    ]
    assert body["tracker_tiers"][0]["tier"] == 0
    assert {"tier": 1, "urls": ["udp://tracker.example.org:6969/announce"]} in body["tracker_tiers"]
    assert sorted(body["files"], key=lambda item: item["path"]) == [
        {"path": "My Release/episode-01.mkv", "size": 50000},
        {"path": "My Release/extras/nc-op.mkv", "size": 20000},
    ]
    assert (body["comments_enabled"], body["comments_locked"], body["comment_count"]) == (True, False, 0)


def test_detail_dates_are_utc_minutes(api, release):
    moment = datetime(2024, 1, 15, 12, 34, 56, tzinfo=dt_timezone.utc)
    Torrent.objects.filter(pk=release.pk).update(uploaded_at=moment, torrent_created_at=moment)
    body = api.get(detail_url(release.pk)).json()
    assert body["created_at"] == "2024-01-15 12:34"
    assert body["torrent_created"] == "2024-01-15 12:34"


def test_detail_accepts_bare_hex(api, release):
    response = api.get(detail_url(release.pk.hex))
    assert response.status_code == 200
    assert response.json()["id"] == str(release.pk)
    assert api.get(detail_url(str(release.pk).upper())).status_code == 200


@pytest.mark.parametrize("bad_id", ["123", "not-a-uuid", "{12345678-1234-1234-1234-123456789012}",
                                    "12345678123412341234123456789012ff", "g" * 32])
def test_detail_bad_id_is_400(api, bad_id):
    response = api.get(detail_url(bad_id))
    assert response.status_code == 400
    error = error_of(response)
    assert error["message"] == ("The torrent id must be a 36-character dashed UUID "
                                "or a 32-character bare hex string.")
    assert error["code"] == "invalid_id"


def test_detail_unknown_is_404(api):
    response = api.get(detail_url("550e8400-e29b-41d4-a716-446655440000"))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_detail_without_token_is_401(anonymous, release):
    assert anonymous.get(detail_url(release.pk)).status_code == 401


def test_detail_live_counts_zero_without_store(api, release):
    # The copied columns are not what the details show: no store means zeros.
    Torrent.objects.filter(pk=release.pk).update(seeders=5, leechers=2)
    body = api.get(detail_url(release.pk)).json()
    assert (body["seeders"], body["leechers"]) == (0, 0)


def test_detail_live_counts_from_store(api, release):
    peers.set_batch_reader(lambda keys: {key: (9, 4) for key, _hashes in keys})
    try:
        body = api.get(detail_url(release.pk)).json()
    finally:
        peers.set_batch_reader(None)
    assert (body["seeders"], body["leechers"]) == (9, 4)


def test_detail_live_counts_zero_when_store_fails(api, release):
    def failing_reader(keys):
        raise ConnectionError("store down")

    Torrent.objects.filter(pk=release.pk).update(seeders=5, leechers=2)
    peers.set_batch_reader(failing_reader)
    try:
        body = api.get(detail_url(release.pk)).json()
    finally:
        peers.set_batch_reader(None)
    assert (body["seeders"], body["leechers"]) == (0, 0)


def test_detail_comment_count(api, alice, release):
    post_comment(alice, release, "one")
    delete_comment(alice, post_comment(alice, release, "two"))
    assert api.get(detail_url(release.pk)).json()["comment_count"] == 1


def test_detail_without_optional_parts(api, alice):
    torrent = upload(alice, name="Bare Release")
    body = api.get(detail_url(torrent.pk)).json()
    assert (body["sub_name"], body["sub_slug"], body["group_name"], body["group_slug"]) == (None, None, None, None)
    assert body["languages"] == []


def test_detail_read_limit(api, release, settings):
    settings.API_READ_RATE_LIMIT = (1, 60)
    assert api.get(detail_url(release.pk)).status_code == 200
    response = api.get(detail_url(release.pk))
    assert response.status_code == 429
    assert response["Retry-After"]
