"""Banning accounts. A banned user cannot sign in, use the API or upload, and is shown the reason."""

from django.utils import timezone

from anirena.accounts import events
from anirena.accounts.models import User
from anirena.accounts.sessions import end_sessions
from anirena.moderation.audit import record


def ban_user(user: User, reason: str, *, actor=None, request=None) -> None:
    """Ban `user` for `reason` and sign out all their sessions at once."""
    user.is_banned = True
    user.ban_reason = reason
    user.banned_at = timezone.now()
    user.save(update_fields=["is_banned", "ban_reason", "banned_at"])
    apply_ban(user, actor=actor, request=request)


def apply_ban(user: User, *, actor=None, request=None) -> None:
    """End the sessions of a user just saved as banned, and record the ban."""
    ended = end_sessions(user)
    record(events.BAN, request=request, actor=actor, user_id=str(user.pk), username=user.username,
           reason=user.ban_reason, sessions_ended=ended)


def unban_user(user: User, *, actor=None, request=None) -> None:
    user.is_banned = False
    user.banned_at = None
    user.save(update_fields=["is_banned", "banned_at"])
    record(events.UNBAN, request=request, actor=actor, user_id=str(user.pk), username=user.username)
