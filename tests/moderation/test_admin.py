import pytest
from django.urls import reverse

from anirena.comments.models import Comment
from anirena.comments.services import post_comment
from anirena.groups.models import Group
from anirena.groups.services import public_groups
from anirena.moderation.models import AuditEvent, BannedPattern
from anirena.torrents.models import Category, Torrent
from tests.community_factories import client_for, make_group, make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def torrent(uploader):
    return upload(uploader)


@pytest.fixture
def moderator_client(db):
    return client_for(make_staff())


def run_action(client, changelist: str, action: str, ids, **extra):
    return client.post(reverse(changelist), {"action": action, "_selected_action": [str(pk) for pk in ids], **extra})


def test_move_torrent_category(moderator_client, torrent):
    audio = Category.objects.get(slug="audio")
    response = run_action(moderator_client, "admin:torrents_torrent_changelist", "move_to_category", [torrent.pk],
                          category=str(audio.pk))
    torrent.refresh_from_db()
    assert response.status_code == 302
    assert torrent.category == audio
    assert AuditEvent.objects.filter(tag="torrent:move", payload__id=str(torrent.pk)).exists()


def test_lock_comments_action(moderator_client, torrent):
    run_action(moderator_client, "admin:torrents_torrent_changelist", "lock_comments", [torrent.pk])
    torrent.refresh_from_db()
    assert torrent.comments_locked
    assert AuditEvent.objects.filter(tag="torrent:comments:lock").exists()


def test_delete_torrent_audited(moderator_client, torrent):
    response = moderator_client.post(reverse("admin:torrents_torrent_delete", args=[torrent.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Torrent.objects.exists()
    assert AuditEvent.objects.filter(tag="torrent:delete", payload__torrent=str(torrent.pk)).exists()


def test_lock_group_hides_it(moderator_client):
    group = make_group(make_user("owner"), name="Loud Subs")
    run_action(moderator_client, "admin:release_groups_group_changelist", "lock_groups", [group.pk])
    group.refresh_from_db()
    assert group.locked
    assert list(public_groups()) == []
    assert AuditEvent.objects.filter(tag="group:lock").exists()


def test_disable_group_action(moderator_client):
    group = make_group(make_user("owner"), name="Old Subs")
    run_action(moderator_client, "admin:release_groups_group_changelist", "disable_groups", [group.pk])
    assert not Group.objects.get(pk=group.pk).enabled


def test_soft_delete_comment_action(moderator_client, torrent):
    comment = post_comment(make_user("writer"), torrent, "rude")
    run_action(moderator_client, "admin:comments_comment_changelist", "soft_delete", [comment.pk])
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert Comment.objects.count() == 1
    assert AuditEvent.objects.filter(tag="comment:delete").exists()


def test_banned_pattern_created_in_admin(moderator_client):
    response = moderator_client.post(reverse("admin:moderation_bannedpattern_add"), {
        "pattern": "badword", "kind": "substring", "target": "any", "reason": "Not allowed", "enabled": "on",
    })
    assert response.status_code == 302
    pattern = BannedPattern.objects.get()
    assert AuditEvent.objects.filter(tag="banned_pattern:create", payload__id=str(pattern.pk)).exists()


def test_invalid_regex_pattern_rejected(moderator_client):
    response = moderator_client.post(reverse("admin:moderation_bannedpattern_add"), {
        "pattern": "(unclosed", "kind": "regex", "target": "any", "reason": "x", "enabled": "on",
    })
    assert response.status_code == 200
    assert "Invalid regular expression" in response.content.decode()
    assert not BannedPattern.objects.exists()


def test_disable_pattern_lets_upload_through(moderator_client, uploader):
    from anirena.torrents.services.upload import UploadRejected

    pattern = BannedPattern.objects.create(pattern="forbidden-word", reason="banned here")
    with pytest.raises(UploadRejected, match="banned here"):
        upload(uploader, name="Show forbidden-word 01")
    run_action(moderator_client, "admin:moderation_bannedpattern_changelist", "disable_patterns", [pattern.pk])
    assert upload(uploader, name="Show forbidden-word 02").pk
