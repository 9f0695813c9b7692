import re

import pytest

from anirena.accounts.bans import ban_user
from anirena.comments.services import delete_comment, edit_comment, post_comment
from anirena.torrents.models import Torrent
from tests.api.conftest import error_of
from tests.community_factories import make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

COMMENT_FIELDS = {"id", "user_id", "username", "role", "author_banned", "body", "created_at", "edited_at",
                  "edited_by_username", "deleted_at"}


def comments_url(torrent_id) -> str:
    return f"/api/v1/torrents/{torrent_id}/comments"


@pytest.fixture
def torrent(alice):
    return upload(alice, name="Commented Release")


def test_comments_shape(api, alice, torrent):
    comment = post_comment(alice, torrent, "Great release!")
    response = api.get(comments_url(torrent.pk), {"page": 1})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"torrent_id", "page", "per_page", "total", "total_pages", "comments"}
    assert (body["torrent_id"], body["page"], body["per_page"], body["total"], body["total_pages"]) == (
        str(torrent.pk), 1, 20, 1, 1)
    [item] = body["comments"]
    assert set(item) == COMMENT_FIELDS
    assert item["id"] == str(comment.pk)
    assert (item["user_id"], item["username"], item["role"]) == (str(alice.pk), "alice", "user")
    assert (item["author_banned"], item["body"]) == (False, "Great release!")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", item["created_at"])
    assert (item["edited_at"], item["edited_by_username"], item["deleted_at"]) == (None, None, None)


def test_comments_paginate_by_setting(api, alice, torrent, settings):
    settings.COMMENT_PER_PAGE = 2
    for number in range(5):
        post_comment(alice, torrent, f"comment {number}")
    first = api.get(comments_url(torrent.pk)).json()
    assert (first["per_page"], first["total"], first["total_pages"]) == (2, 5, 3)
    assert [item["body"] for item in first["comments"]] == ["comment 0", "comment 1"]
    last = api.get(comments_url(torrent.pk), {"page": 3}).json()
    assert [item["body"] for item in last["comments"]] == ["comment 4"]
    beyond = api.get(comments_url(torrent.pk), {"page": 4}).json()
    assert (beyond["page"], beyond["comments"]) == (4, [])


def test_edited_comment(api, alice, torrent):
    comment = post_comment(alice, torrent, "first draft")
    staff = make_staff()
    edit_comment(staff, comment, "tidied by staff")
    [item] = api.get(comments_url(torrent.pk)).json()["comments"]
    assert item["body"] == "tidied by staff"
    assert item["edited_by_username"] == "moderator"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", item["edited_at"])


def test_deleted_comment_has_empty_body(api, alice, torrent):
    delete_comment(alice, post_comment(alice, torrent, "regret"))
    [item] = api.get(comments_url(torrent.pk)).json()["comments"]
    assert (item["body"], item["author_banned"]) == ("", False)
    assert item["deleted_at"] is not None


def test_banned_author_has_empty_body(api, torrent):
    spammer = make_user("spammer")
    post_comment(spammer, torrent, "buy things")
    ban_user(spammer, "spam")
    [item] = api.get(comments_url(torrent.pk)).json()["comments"]
    assert (item["body"], item["author_banned"], item["username"]) == ("", True, "spammer")


def test_comments_disabled_is_403(api, torrent):
    Torrent.objects.filter(pk=torrent.pk).update(comments_enabled=False)
    response = api.get(comments_url(torrent.pk))
    assert response.status_code == 403
    assert error_of(response)["code"] == "comments_disabled"


def test_locked_comments_still_listed(api, alice, torrent):
    post_comment(alice, torrent, "before the lock")
    Torrent.objects.filter(pk=torrent.pk).update(comments_locked=True)
    assert len(api.get(comments_url(torrent.pk)).json()["comments"]) == 1


def test_comments_unknown_torrent_is_404(api):
    response = api.get(comments_url("550e8400-e29b-41d4-a716-446655440000"))
    assert response.status_code == 404


def test_comments_bad_id_is_400(api):
    assert api.get(comments_url("42")).status_code == 400


@pytest.mark.parametrize("page", ["0", "-3", "first", "1.5"])
def test_comments_bad_page_is_400(api, torrent, page):
    response = api.get(comments_url(torrent.pk), {"page": page})
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "page"
    assert error["message"].startswith("Invalid request parameter: page must be")


def test_comments_without_token_is_401(anonymous, torrent):
    assert anonymous.get(comments_url(torrent.pk)).status_code == 401


def test_comments_accept_bare_hex(api, alice, torrent):
    post_comment(alice, torrent, "hello")
    assert api.get(comments_url(torrent.pk.hex)).json()["total"] == 1
