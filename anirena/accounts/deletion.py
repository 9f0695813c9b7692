"""Account deletion: disabled at once, deleted after a grace period unless cancelled.

When the grace period ends, a scheduled job deletes the account. Its torrents and the
release groups it owns pass to one placeholder account, so listings keep working.
Staff who want the torrents gone remove them before then.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anirena.accounts import events
from anirena.accounts.api_keys import revoke_api_key
from anirena.accounts.mail import send_account_mail
from anirena.accounts.models import User
from anirena.accounts.sessions import end_sessions
from anirena.moderation.audit import record

logger = logging.getLogger(__name__)

# The space puts this name outside the sign-up username pattern, so no one can register it.
DELETED_USER_USERNAME = "deleted user"


def deletion_date(user: User):
    """Return when the account of a pending request will be deleted."""
    return user.deletion_requested_at + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)


def request_deletion(user: User, *, request=None) -> None:
    """Disable the account now, sign out every session and revoke its API key."""
    user.deletion_requested_at = timezone.now()
    user.is_active = False
    user.save(update_fields=["deletion_requested_at", "is_active"])
    revoke_api_key(user, request=request)
    ended = end_sessions(user)
    record(events.DELETION_REQUEST, request=request, actor=user, sessions_ended=ended,
           delete_after=deletion_date(user).isoformat())
    context = {"date": deletion_date(user), "days": settings.ACCOUNT_DELETION_GRACE_DAYS}
    send_account_mail(user, _("Your %(site)s account will be deleted") % {"site": settings.SITE_NAME},
                      "accounts/email/deletion_requested.txt", context)


def cancel_deletion(user: User, *, request=None) -> None:
    user.deletion_requested_at = None
    user.is_active = True
    user.save(update_fields=["deletion_requested_at", "is_active"])
    record(events.DELETION_CANCEL, request=request, actor=user)


def placeholder_account() -> User:
    """Return the inactive account that keeps the torrents of deleted users, creating it once."""
    user = User.objects.filter(username=DELETED_USER_USERNAME).first()
    if user is None:
        user = User(username=DELETED_USER_USERNAME, email="deleted-user@invalid", is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def _transfer_and_delete(user: User, placeholder: User) -> None:
    from anirena.groups.models import Group
    from anirena.torrents.models import Torrent

    with transaction.atomic():
        torrents = Torrent.objects.filter(uploader=user).update(uploader=placeholder)
        groups = Group.objects.filter(owner=user).update(owner=placeholder)
        user_id, username = str(user.pk), user.username
        user.delete()
        record(events.DELETION_COMPLETE, actor=None, user_id=user_id, username=username,
               torrents_transferred=torrents, groups_transferred=groups)


def delete_expired_accounts(now=None) -> int:
    """Delete every account whose grace period has ended; return how many were deleted.

    An account that another model still protects is skipped and logged, and the next
    run tries again.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
    due = User.objects.filter(deletion_requested_at__isnull=False, deletion_requested_at__lte=cutoff)
    deleted = 0
    placeholder = None
    for user in due.iterator():
        placeholder = placeholder or placeholder_account()
        try:
            _transfer_and_delete(user, placeholder)
        except ProtectedError as error:
            logger.error("account %s (%s) not deleted: still referenced by %s",
                         user.username, user.pk, sorted({type(obj).__name__ for obj in error.protected_objects}))
            continue
        logger.info("account %s (%s) deleted after its grace period", user.username, user.pk)
        deleted += 1
    return deleted
