import pytest
from django.test import override_settings
from django.urls import reverse

from anirena.comments import services
from anirena.comments.models import Comment
from tests.community_factories import make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def torrent(uploader):
    return upload(uploader)


def post(client, torrent, body, **headers):
    return client.post(reverse("comments:create", args=[torrent.pk]), {"body": body}, **headers)


def test_panel_shows_comments_and_form(client, torrent):
    services.post_comment(make_user("reader"), torrent, "**Great** release")
    client.force_login(make_user("visitor"))
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert "<strong>Great</strong> release" in body
    assert reverse("comments:create", args=[torrent.pk]) in body


def test_anonymous_sees_sign_in_prompt(client, torrent):
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert "Sign in to comment." in body
    assert reverse("comments:create", args=[torrent.pk]) not in body


def test_anonymous_post_redirects_to_login(client, torrent):
    response = post(client, torrent, "hello")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert Comment.objects.count() == 0


def test_post_with_htmx_returns_section(client, torrent):
    client.force_login(make_user("reader"))
    response = post(client, torrent, "Thanks!", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="comments"' in body
    assert "Thanks!" in body
    assert "<html" not in body


def test_post_without_htmx_redirects_to_comment(client, torrent):
    client.force_login(make_user("reader"))
    response = post(client, torrent, "Thanks!")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")


def test_markup_is_sanitised(client, torrent):
    client.force_login(make_user("reader"))
    post(client, torrent, "<script>alert(1)</script> [x](javascript:alert(1))")
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert 'href="javascript:' not in body


@override_settings(COMMENT_MAX_LENGTH=10)
def test_too_long_comment_shows_error(client, torrent):
    client.force_login(make_user("reader"))
    response = post(client, torrent, "x" * 11)
    assert response.status_code == 400
    assert "the limit is 10" in response.content.decode()
    assert Comment.objects.count() == 0


def test_locked_torrent_hides_form(client, torrent):
    services.set_comments_locked(make_staff(), torrent, True)
    client.force_login(make_user("reader"))
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert "locked by a moderator" in body
    response = post(client, torrent, "let me in", HTTP_HX_REQUEST="true")
    assert "locked by a moderator" in response.content.decode()
    assert Comment.objects.count() == 0


def test_edit_flow_shows_editor(client, torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "first")
    client.force_login(author)
    form = client.get(reverse("comments:edit", args=[comment.pk]), HTTP_HX_REQUEST="true")
    assert "first</textarea>" in form.content.decode()
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "second"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "second" in body
    assert "edited" in body
    assert "by reader" in body


def test_user_cannot_edit_others_comment(client, torrent):
    comment = services.post_comment(make_user("reader"), torrent, "mine")
    client.force_login(make_user("other"))
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "hacked"})
    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.body == "mine"


def test_delete_keeps_place_without_body(client, torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "secret words")
    client.force_login(author)
    response = client.post(reverse("comments:delete", args=[comment.pk]), HTTP_HX_REQUEST="true")
    assert "This comment was deleted." in response.content.decode()
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in body
    assert "secret words" not in body


def test_banned_author_comment_hidden_on_page(client, torrent):
    author = make_user("reader")
    services.post_comment(author, torrent, "now hidden text")
    author.is_banned = True
    author.save()
    body = client.get(torrent.get_absolute_url()).content.decode()
    assert "author is banned" in body
    assert "now hidden text" not in body


def test_moderator_locks_from_panel(client, torrent):
    client.force_login(make_staff())
    response = client.post(reverse("comments:lock", args=[torrent.pk]), {"locked": "1"}, HTTP_HX_REQUEST="true")
    torrent.refresh_from_db()
    assert torrent.comments_locked
    assert "Unlock comments" in response.content.decode()


def test_user_cannot_lock_from_panel(client, torrent):
    client.force_login(make_user("reader"))
    response = client.post(reverse("comments:lock", args=[torrent.pk]), {"locked": "1"})
    torrent.refresh_from_db()
    assert response.status_code == 403
    assert not torrent.comments_locked


@override_settings(COMMENT_PER_PAGE=2)
def test_comment_pages_navigate(client, torrent):
    author = make_user("reader")
    for number in range(3):
        services.post_comment(author, torrent, f"comment number {number}")
    response = client.get(reverse("comments:list", args=[torrent.pk]), {"page": 2}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "comment number 2" in body
    assert "comment number 0" not in body
    assert "Page 2 of 2" in body


def test_upload_with_comments_off(uploader_client, uploader):
    import io

    from tests.factories import make_torrent

    upload_file = io.BytesIO(make_torrent())
    upload_file.name = "release.torrent"
    uploader_client.post(reverse("torrents:upload"), {"torrent": upload_file, "category": "anime"})
    from anirena.torrents.models import Torrent

    torrent = Torrent.objects.get()
    assert not torrent.comments_enabled
    body = uploader_client.get(torrent.get_absolute_url()).content.decode()
    assert "turned comments off" in body
