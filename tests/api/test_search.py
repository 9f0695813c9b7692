import re
from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from anirena.accounts.models import User
from anirena.comments.services import delete_comment, post_comment
from anirena.torrents import peers
from anirena.torrents.links import magnet_uri
from anirena.torrents.models import Torrent
from tests.api.conftest import client_for_user, error_of
from tests.community_factories import make_group, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/torrents/search"
ROW_FIELDS = {"id", "title", "info_hash_v1", "info_hash_v2", "size_fmt", "completed", "seeders", "leechers",
              "languages", "comment_count", "created_at", "cat_slug", "sub_slug", "group_name", "uploader", "magnet"}


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["torrents"]]


@pytest.fixture
def catalogue(alice):
    """Five torrents of alice and bob, with stored peer counts and upload dates set for sorting."""
    bob = make_user("bob")
    group = make_group(bob, name="Bob Subs")
    items = [
        upload(alice, name="Sword Art Online - 01 (1080p)", sub_category="raw", languages=["ja"]),
        upload(alice, name="Sword Art Online - 02 (1080p)", sub_category="sub-audio", languages=["ja", "en"]),
        upload(bob, name="Cowboy Bebop - 01", group_id=group.pk, languages=["en"]),
        upload(bob, name="Some Album", category="audio", sub_category="lossless"),
        upload(alice, name="Adult Title", category="hentai"),
    ]
    now = timezone.now()
    for position, torrent in enumerate(items):
        Torrent.objects.filter(pk=torrent.pk).update(
            uploaded_at=now - timedelta(hours=position), seeders=10 * (position + 1), leechers=position,
            completed=100 - position,
        )
    return items


def test_search_response_shape(api, catalogue):
    response = api.post(URL, {"q": "Sword Art Online", "category": "anime", "per_page": 25})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "page", "per_page", "total_pages", "from", "to", "torrents"}
    assert (body["total"], body["page"], body["per_page"], body["total_pages"]) == (2, 1, 25, 1)
    assert (body["from"], body["to"]) == (1, 2)
    [row] = [row for row in body["torrents"] if row["id"] == str(catalogue[0].pk)]
    assert set(row) == ROW_FIELDS
    torrent = Torrent.objects.get(pk=row["id"])
    assert row["title"] == "Sword Art Online - 01 (1080p).mkv"
    assert row["info_hash_v1"] == torrent.info_hash_v1
    assert row["info_hash_v2"] == torrent.info_hash_v2
    assert re.fullmatch(r"\d+(\.\d)? (B|KB|MB|GB)", row["size_fmt"])
    assert row["languages"] == ["ja"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row["created_at"])
    assert row["created_at"] == torrent.uploaded_at.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M")
    assert (row["cat_slug"], row["sub_slug"], row["group_name"], row["uploader"]) == ("anime", "raw", None, "alice")
    assert row["magnet"] == magnet_uri(torrent)
    assert row["magnet"].startswith("magnet:?xt=urn:btih:")
    assert row["completed"] == 100


def test_search_default_is_newest_first(api, catalogue):
    body = api.post(URL, {}).json()
    assert body["per_page"] == 50
    assert [row["id"] for row in body["torrents"]] == [str(item.pk) for item in catalogue[:4]]


def test_search_empty_body(api, catalogue):
    response = api.post(URL, raw="")
    assert response.status_code == 200
    assert len(response.json()["torrents"]) == 4


def test_search_user_operator(api, catalogue):
    assert titles(api.post(URL, {"q": "user:bob"})) == ["Cowboy Bebop - 01.mkv", "Some Album.mkv"]


@pytest.mark.parametrize("query", ["group:bob-subs", 'group:"Bob Subs"'])
def test_search_group_operator(api, catalogue, query):
    response = api.post(URL, {"q": query})
    assert titles(response) == ["Cowboy Bebop - 01.mkv"]
    assert response.json()["torrents"][0]["group_name"] == "Bob Subs"


def test_search_filters(api, catalogue):
    assert titles(api.post(URL, {"category": "audio"})) == ["Some Album.mkv"]
    assert titles(api.post(URL, {"category": "anime", "sub_category": "sub-audio"})) == [
        "Sword Art Online - 02 (1080p).mkv"]
    assert len(titles(api.post(URL, {"languages": ["en"]}))) == 2


@pytest.mark.parametrize("sort, order, expected_first", [
    ("date", "desc", 0), ("date", "asc", 3), ("size", "desc", None), ("seeders", "desc", 3), ("seeders", "asc", 0),
    ("leechers", "desc", 3), ("completed", "desc", 0), ("title", "asc", 2),
])
def test_search_sorts(api, catalogue, sort, order, expected_first):
    response = api.post(URL, {"sort": sort, "order": order})
    assert response.status_code == 200
    rows = response.json()["torrents"]
    assert len(rows) == 4
    if expected_first is not None:
        assert rows[0]["id"] == str(catalogue[expected_first].pk)


def test_search_pagination(api, catalogue):
    body = api.post(URL, {"per_page": 3, "page": 2}).json()
    assert (body["total"], body["total_pages"], body["from"], body["to"]) == (4, 2, 4, 4)
    assert len(body["torrents"]) == 1
    beyond = api.post(URL, {"per_page": 3, "page": 5}).json()
    assert (beyond["torrents"], beyond["from"], beyond["to"]) == ([], 0, 0)


def test_search_no_matches(api, catalogue):
    body = api.post(URL, {"q": "nothing matches this"}).json()
    assert (body["total"], body["total_pages"], body["from"], body["to"], body["torrents"]) == (0, 0, 0, 0, [])


@pytest.mark.parametrize("per_page", [0, 251, -1])
def test_per_page_out_of_range_is_400(api, per_page):
    response = api.post(URL, {"per_page": per_page})
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "per_page"
    assert error["code"] == "invalid_field"
    assert f"per_page must be between 1 and 250; got {per_page}." in error["message"]


@pytest.mark.parametrize("body, field", [
    ({"sort": "popularity"}, "sort"), ({"order": "up"}, "order"), ({"page": 0}, "page"), ({"page": "two"}, "page"),
    ({"q": 5}, "q"), ({"languages": "ja"}, "languages"), ({"hide_adult": "sometimes"}, "hide_adult"),
    ({"category": "cartoons"}, "category"), ({"category": "anime", "sub_category": "lossless"}, "sub_category"),
    ({"sub_category": "raw"}, "sub_category"), ({"languages": ["klingon"]}, "languages"), ({"q": "x" * 501}, "q"),
])
def test_invalid_search_parameters_are_400(api, body, field):
    response = api.post(URL, body)
    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_adult_hidden_by_default(api, catalogue):
    assert "Adult Title.mkv" not in titles(api.post(URL, {}))
    assert titles(api.post(URL, {"category": "hentai"})) == ["Adult Title.mkv"]


def test_hide_adult_false_needs_profile_setting(api, alice, catalogue):
    response = api.post(URL, {"hide_adult": False})
    assert response.status_code == 400
    assert error_of(response)["code"] == "adult_content_not_allowed"
    User.objects.filter(pk=alice.pk).update(preferences={"show_adult": True})
    assert "Adult Title.mkv" in titles(api.post(URL, {"hide_adult": False}))


def test_hide_adult_false_for_staff(catalogue):
    _staff, staff_api = client_for_user("moderator", role="moderator")
    assert "Adult Title.mkv" in titles(staff_api.post(URL, {"hide_adult": False}))


def test_show_dead(api, catalogue):
    old = timezone.now() - timedelta(days=400)
    Torrent.objects.filter(pk=catalogue[3].pk).update(uploaded_at=old, seeders=0)
    assert "Some Album.mkv" not in titles(api.post(URL, {}))
    assert "Some Album.mkv" in titles(api.post(URL, {"show_dead": True}))


def test_comment_count_leaves_out_deleted(api, alice, catalogue):
    torrent = catalogue[0]
    post_comment(alice, torrent, "first")
    delete_comment(alice, post_comment(alice, torrent, "second"))
    rows = api.post(URL, {"q": "user:alice", "category": "anime"}).json()["torrents"]
    counts = {row["id"]: row["comment_count"] for row in rows}
    assert counts[str(torrent.pk)] == 1
    assert counts[str(catalogue[1].pk)] == 0


def test_live_counts_from_tracker_store(api, catalogue):
    def reader(keys):
        return {key: (7, 3) for key, _hashes in keys}

    peers.set_batch_reader(reader)
    try:
        rows = api.post(URL, {"q": "user:bob"}).json()["torrents"]
    finally:
        peers.set_batch_reader(None)
    assert {(row["seeders"], row["leechers"]) for row in rows} == {(7, 3)}


def test_search_rate_limit_per_key(api, settings, catalogue):
    settings.API_SEARCH_RATE_LIMIT = (2, 60)
    assert api.post(URL, {}).status_code == 200
    assert api.post(URL, {}).status_code == 200
    response = api.post(URL, {})
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60
    _bob2, other = client_for_user("carol")
    assert other.post(URL, {}).status_code == 200


def test_staff_exempt_from_search_limit(settings, db):
    settings.API_SEARCH_RATE_LIMIT = (1, 60)
    _staff, staff_api = client_for_user("moderator", role="moderator")
    for _ in range(3):
        assert staff_api.post(URL, {}).status_code == 200


def test_search_without_token_is_401(anonymous):
    response = anonymous.post(URL, {})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
