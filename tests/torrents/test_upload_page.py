import io

import pytest
from django.conf import settings
from django.urls import reverse

from anirena.metainfo import parse_torrent
from anirena.moderation.models import BannedPattern
from anirena.torrents.models import Torrent, TorrentBlob
from tests.factories import libtorrent_hashes, make_torrent, make_user

pytestmark = pytest.mark.django_db


def post_upload(client, data: bytes, **fields):
    form = {"category": "anime", "comments_enabled": "on", **fields}
    upload = io.BytesIO(data)
    upload.name = "release.torrent"
    return client.post(reverse("torrents:upload"), {**form, "torrent": upload})


@pytest.mark.parametrize("version", ["v1", "v2", "hybrid"])
def test_upload_stores_libtorrent_hashes(uploader_client, version):
    data = make_torrent(version=version)
    response = post_upload(uploader_client, data, sub_category=_sub("anime", "raw"), languages=["ja", "en"])
    torrent = Torrent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == torrent.get_absolute_url()
    v1, v2 = libtorrent_hashes(data)
    assert torrent.info_hash_v1 == v1
    assert torrent.info_hash_v2 == v2
    assert torrent.version == version
    assert sorted(torrent.languages.values_list("code", flat=True)) == ["en", "ja"]
    assert torrent.sub_category.slug == "raw"


def test_upload_page_requires_login(client):
    response = client.get(reverse("torrents:upload"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_upload_without_site_tracker_names_url(uploader_client):
    data = make_torrent(site_tracker=False, trackers=[["udp://tracker.example.org:6969/announce"]])
    response = post_upload(uploader_client, data)
    assert response.status_code == 400
    assert settings.ANNOUNCE_URLS[0] in response.content.decode()
    assert Torrent.objects.count() == 0
    assert TorrentBlob.objects.count() == 0


def test_announce_override_satisfies_tracker_check(uploader_client):
    data = make_torrent(site_tracker=False, trackers=[["udp://tracker.example.org:6969/announce"]])
    response = post_upload(uploader_client, data, announce=settings.ANNOUNCE_URLS[1])
    assert response.status_code == 302
    torrent = Torrent.objects.get()
    assert torrent.tracker_tiers[0] == [settings.ANNOUNCE_URLS[1]]
    stored = parse_torrent(bytes(torrent.blob.metainfo))
    assert stored.info_hash_v1 == libtorrent_hashes(data)[0]


def test_duplicate_upload_links_existing(uploader_client):
    data = make_torrent()
    post_upload(uploader_client, data)
    response = post_upload(uploader_client, data, name="Other name")
    body = response.content.decode()
    existing = Torrent.objects.get()
    assert response.status_code == 400
    assert existing.get_absolute_url() in body
    assert Torrent.objects.count() == 1


def test_banned_pattern_rejects_upload(uploader_client):
    BannedPattern.objects.create(pattern="forbidden-word", reason="not allowed here")
    data = make_torrent(name="Show forbidden-word 01")
    response = post_upload(uploader_client, data)
    assert response.status_code == 400
    assert "not allowed here" in response.content.decode()
    assert Torrent.objects.count() == 0


def test_banned_pattern_checks_description(uploader_client):
    BannedPattern.objects.create(pattern=r"bad\s+link", kind="regex", target="description", reason="spam")
    response = post_upload(uploader_client, make_torrent(), description="see BAD   link")
    assert response.status_code == 400
    assert Torrent.objects.count() == 0


def test_invalid_file_rejected_with_reason(uploader_client):
    response = post_upload(uploader_client, b"this is not a torrent")
    assert response.status_code == 400
    assert "invalid" in response.content.decode().lower()
    assert Torrent.objects.count() == 0


def test_sub_category_must_match_category(uploader_client):
    response = post_upload(uploader_client, make_torrent(), category="audio", sub_category=_sub("anime", "raw"))
    assert response.status_code == 400
    assert Torrent.objects.count() == 0


def test_private_flag_changes_hashes(uploader_client):
    data = make_torrent(version="hybrid")
    response = post_upload(uploader_client, data, is_private="on")
    assert response.status_code == 302
    torrent = Torrent.objects.get()
    original_v1, original_v2 = libtorrent_hashes(data)
    stored_v1, stored_v2 = libtorrent_hashes(bytes(torrent.blob.metainfo))
    assert torrent.is_private
    assert torrent.info_hash_v1 == stored_v1 != original_v1
    assert torrent.info_hash_v2 == stored_v2 != original_v2


def test_name_and_comment_override(uploader_client):
    response = post_upload(uploader_client, make_torrent(comment="old"), name="My Title", comment="new comment")
    assert response.status_code == 302
    torrent = Torrent.objects.get()
    assert torrent.title == "My Title"
    assert torrent.comment == "new comment"


def test_banned_user_cannot_upload(client):
    user = make_user("banned")
    client.force_login(user)
    user.is_banned, user.ban_reason = True, "spamming"
    user.save()
    response = post_upload(client, make_torrent())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert Torrent.objects.count() == 0
    login = client.post(reverse("accounts:login"), {"login": "banned", "password": "correct horse battery staple"})
    assert "spamming" in login.content.decode()


def test_group_must_be_users_own(uploader_client, uploader):
    from anirena.groups.models import Group, Membership

    owner = make_user("owner")
    foreign = Group.objects.create(name="Other", slug="other", owner=owner)
    Membership.objects.create(group=foreign, user=owner, role="owner")
    mine = Group.objects.create(name="Mine", slug="mine", owner=uploader)
    Membership.objects.create(group=mine, user=uploader, role="owner")

    response = post_upload(uploader_client, make_torrent(), group=str(foreign.pk))
    assert response.status_code == 400
    response = post_upload(uploader_client, make_torrent(), group=str(mine.pk))
    assert response.status_code == 302
    assert Torrent.objects.get().group == mine


def test_upload_preview_shows_trackers(uploader_client):
    upload = io.BytesIO(make_torrent(trackers=[["udp://extra.example.org:1337/announce"]]))
    upload.name = "x.torrent"
    response = uploader_client.post(reverse("torrents:upload_preview"), {"torrent": upload})
    assert response.status_code == 200
    assert "udp://extra.example.org:1337/announce" in response.content.decode()


def _sub(category: str, slug: str) -> str:
    from anirena.torrents.models import SubCategory

    return str(SubCategory.objects.get(category__slug=category, slug=slug).pk)
