"""Comment rules, shared by the pages and the API: who may post, edit, delete and lock, and how bodies are checked."""

import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from anirena.comments.models import Comment
from anirena.moderation import audit
from anirena.moderation.models import BannedPattern
from anirena.moderation.patterns import find_banned_pattern


class CommentNotAllowed(PermissionDenied):
    """The user may not do this to the comment or the torrent; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CommentInvalid(ValueError):
    """The comment body breaks a rule (empty, too long, banned content); `message` says which."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Reading ------------------------------------------------------------------------------

def torrent_comments(torrent):
    """Return every comment of a torrent in thread order, deleted ones included (they keep their place)."""
    return Comment.objects.filter(torrent=torrent).select_related("author", "edited_by").order_by("created_at", "id")


def comment_page(torrent, page_number=None):
    """Return one Paginator page of a torrent's comments, COMMENT_PER_PAGE a page.

    `page_number` may be "last"; an invalid number gives the first page, one past the end the last.
    """
    paginator = Paginator(torrent_comments(torrent), settings.COMMENT_PER_PAGE)
    if page_number == "last":
        page_number = paginator.num_pages
    return paginator.get_page(page_number)


def page_of(comment) -> int:
    """Return the number of the page that shows `comment`."""
    before = Comment.objects.filter(torrent_id=comment.torrent_id).filter(
        Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, id__lte=comment.id)
    ).count()
    return max(1, math.ceil(before / settings.COMMENT_PER_PAGE))


def comment_count(torrent) -> int:
    """Return the number of comments that are not deleted."""
    return Comment.objects.filter(torrent=torrent, deleted_at__isnull=True).count()


def with_comment_count(torrents):
    """Annotate a Torrent queryset with `comment_count`, the number of comments that are not deleted."""
    counts = (
        Comment.objects.filter(torrent=OuterRef("pk"), deleted_at__isnull=True)
        .order_by().values("torrent").annotate(total=Count("pk")).values("total")
    )
    return torrents.annotate(comment_count=Coalesce(Subquery(counts), 0))


# --- Permissions ---------------------------------------------------------------------------

def comments_open(torrent) -> bool:
    return torrent.comments_enabled and not torrent.comments_locked


def closed_reason(user, torrent) -> str | None:
    """Return why `user` cannot post on `torrent`, or None when they can."""
    if not torrent.comments_enabled:
        return _("The uploader turned comments off for this torrent.")
    if torrent.comments_locked and not _is_staff(user):
        return _("Comments on this torrent are locked by a moderator.")
    if not user.is_authenticated:
        return _("Sign in to comment.")
    if not user.can_upload:
        return _("Your account cannot comment right now.")
    return None


def can_edit(user, comment) -> bool:
    if not user.is_authenticated or comment.is_deleted:
        return False
    if _is_staff(user):
        return True
    return comment.author_id == user.pk and user.can_upload and not comment.torrent.comments_locked


def can_delete(user, comment) -> bool:
    if not user.is_authenticated or comment.is_deleted:
        return False
    return _is_staff(user) or comment.author_id == user.pk


def _is_staff(user) -> bool:
    return user.is_authenticated and user.is_site_staff


# --- Writing -------------------------------------------------------------------------------

def clean_body(body: str) -> str:
    """Return the body stripped of surrounding blank space, or raise CommentInvalid."""
    body = (body or "").strip()
    if not body:
        raise CommentInvalid(_("The comment is empty."))
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise CommentInvalid(
            _("The comment is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(body), "limit": settings.COMMENT_MAX_LENGTH}
        )
    pattern = find_banned_pattern(body, (BannedPattern.Target.ANY,))
    if pattern is not None:
        raise CommentInvalid(_("The comment contains banned content: %(reason)s") % {"reason": pattern.reason})
    return body


def post_comment(user, torrent, body: str, *, request=None) -> Comment:
    reason = closed_reason(user, torrent)
    if reason is not None:
        raise CommentNotAllowed(reason)
    comment = Comment.objects.create(torrent=torrent, author=user, body=clean_body(body))
    audit.record("comment:create", request=request, actor=user, comment=str(comment.pk), torrent=str(torrent.pk))
    return comment


def edit_comment(user, comment, body: str, *, request=None) -> Comment:
    if not can_edit(user, comment):
        raise CommentNotAllowed(_("You cannot edit this comment."))
    comment.body = clean_body(body)
    comment.edited_at = timezone.now()
    comment.edited_by = user
    comment.save(update_fields=["body", "edited_at", "edited_by"])
    audit.record("comment:edit", request=request, actor=user, comment=str(comment.pk),
                 by_author=comment.author_id == user.pk)
    return comment


def delete_comment(user, comment, *, request=None) -> Comment:
    """Soft-delete: the row stays, with its place in the thread, and the body is withheld from then on."""
    if not can_delete(user, comment):
        raise CommentNotAllowed(_("You cannot delete this comment."))
    comment.deleted_at = timezone.now()
    comment.deleted_by = user
    comment.save(update_fields=["deleted_at", "deleted_by"])
    audit.record("comment:delete", request=request, actor=user, comment=str(comment.pk),
                 torrent=str(comment.torrent_id), by_author=comment.author_id == user.pk)
    return comment


def set_comments_locked(user, torrent, locked: bool, *, request=None) -> None:
    if not _is_staff(user):
        raise CommentNotAllowed(_("Only moderators can lock or unlock comments."))
    torrent.comments_locked = locked
    torrent.save(update_fields=["comments_locked", "updated_at"])
    audit.record("torrent:comments:lock" if locked else "torrent:comments:unlock", request=request, actor=user,
                 torrent=str(torrent.pk))
