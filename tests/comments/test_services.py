import pytest
from django.test import override_settings

from anirena.comments import services
from anirena.comments.models import Comment
from anirena.moderation.models import AuditEvent, BannedPattern
from tests.community_factories import make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def torrent(uploader):
    return upload(uploader)


def test_post_comment_records_audit(torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "  Thanks for the release!  ")
    assert comment.body == "Thanks for the release!"
    assert comment.author == author
    assert AuditEvent.objects.filter(tag="comment:create", actor=author).exists()


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_comment_rejected(torrent, body):
    with pytest.raises(services.CommentInvalid, match="empty"):
        services.post_comment(make_user("reader"), torrent, body)


@override_settings(COMMENT_MAX_LENGTH=20)
def test_long_comment_rejected(torrent):
    with pytest.raises(services.CommentInvalid, match="limit is 20"):
        services.post_comment(make_user("reader"), torrent, "x" * 21)
    assert Comment.objects.count() == 0


def test_banned_pattern_rejects_comment(torrent):
    BannedPattern.objects.create(pattern=r"buy\s+now", kind="regex", reason="advertising")
    with pytest.raises(services.CommentInvalid, match="advertising"):
        services.post_comment(make_user("reader"), torrent, "BUY   now at example.org")


def test_name_only_pattern_ignores_comments(torrent):
    BannedPattern.objects.create(pattern="spoiler", target="name", reason="names only")
    assert services.post_comment(make_user("reader"), torrent, "no spoiler here").pk


def test_disabled_comments_refused(uploader):
    torrent = upload(uploader, comments_enabled=False)
    with pytest.raises(services.CommentNotAllowed, match="turned comments off"):
        services.post_comment(make_user("reader"), torrent, "hello")


def test_locked_comments_refused_except_staff(torrent):
    services.set_comments_locked(make_staff(), torrent, True)
    with pytest.raises(services.CommentNotAllowed, match="locked"):
        services.post_comment(make_user("reader"), torrent, "hello")
    assert services.post_comment(make_staff("mod2"), torrent, "Locked: off-topic").pk


def test_user_cannot_lock(torrent):
    with pytest.raises(services.CommentNotAllowed):
        services.set_comments_locked(make_user("reader"), torrent, True)
    torrent.refresh_from_db()
    assert not torrent.comments_locked


def test_banned_user_cannot_post(torrent):
    banned = make_user("banned", is_banned=True, ban_reason="spam")
    with pytest.raises(services.CommentNotAllowed):
        services.post_comment(banned, torrent, "hello")


def test_author_edits_comment(torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "first")
    services.edit_comment(author, comment, "second")
    comment.refresh_from_db()
    assert comment.body == "second"
    assert comment.edited_by == author
    assert comment.edited_at is not None


def test_other_user_cannot_edit(torrent):
    comment = services.post_comment(make_user("reader"), torrent, "mine")
    with pytest.raises(services.CommentNotAllowed):
        services.edit_comment(make_user("other"), comment, "changed")
    comment.refresh_from_db()
    assert comment.body == "mine"


def test_author_cannot_edit_when_locked(torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "mine")
    services.set_comments_locked(make_staff(), torrent, True)
    comment.torrent.refresh_from_db()
    assert not services.can_edit(author, comment)


def test_author_soft_deletes(torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "oops")
    services.delete_comment(author, comment)
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.visible_body == ""
    assert Comment.objects.count() == 1


def test_moderator_deletes_any_comment(torrent):
    comment = services.post_comment(make_user("reader"), torrent, "rude words")
    moderator = make_staff()
    services.delete_comment(moderator, comment)
    comment.refresh_from_db()
    assert comment.deleted_by == moderator
    assert AuditEvent.objects.filter(tag="comment:delete", actor=moderator).exists()


def test_other_user_cannot_delete(torrent):
    comment = services.post_comment(make_user("reader"), torrent, "keep me")
    with pytest.raises(services.CommentNotAllowed):
        services.delete_comment(make_user("other"), comment)


def test_banned_author_body_hidden(torrent):
    author = make_user("reader")
    comment = services.post_comment(author, torrent, "visible until banned")
    author.is_banned = True
    author.save()
    comment.refresh_from_db()
    assert comment.author_banned
    assert comment.visible_body == ""


@override_settings(COMMENT_PER_PAGE=2)
def test_pages_keep_deleted_comments(torrent):
    author = make_user("reader")
    comments = [services.post_comment(author, torrent, f"comment {number}") for number in range(5)]
    services.delete_comment(author, comments[1])
    first = services.comment_page(torrent, 1)
    last = services.comment_page(torrent, "last")
    assert [comment.pk for comment in first.object_list] == [comments[0].pk, comments[1].pk]
    assert last.number == 3
    assert services.page_of(comments[4]) == 3
    assert services.comment_count(torrent) == 4


def test_comment_count_annotation(torrent, uploader):
    other = upload(uploader)
    author = make_user("reader")
    services.post_comment(author, torrent, "a")
    deleted = services.post_comment(author, torrent, "b")
    services.delete_comment(author, deleted)
    from anirena.torrents.models import Torrent

    counts = dict(services.with_comment_count(Torrent.objects.all()).values_list("pk", "comment_count"))
    assert counts == {torrent.pk: 1, other.pk: 0}
