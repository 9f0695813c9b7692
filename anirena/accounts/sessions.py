"""The list of signed-in browser sessions, and ending them.

Every session that `django.contrib.auth.login` creates gets a UserSession row (see
signals.py). AccountMiddleware signs out any request whose session has no row, so
deleting the row, as revoking does, ends a session at its next request even if the
session store still held it.
"""

from datetime import timedelta
from importlib import import_module

import user_agents
from django.conf import settings
from django.utils import timezone

from anirena.accounts.models import UserSession
from anirena.moderation.audit import client_ip

# last_seen_at is written at most this often per session, to spare a write per request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """Return (browser, operating system) names with versions, empty when unknown."""
    if not user_agent:
        return "", ""
    parsed = user_agents.parse(user_agent)
    browser = f"{parsed.browser.family} {parsed.browser.version_string}".strip()
    os_name = f"{parsed.os.family} {parsed.os.version_string}".strip()
    return browser[:100], os_name[:100]


def track_session(request, user) -> UserSession | None:
    """Create or refresh the row of the request's session after a sign-in."""
    session_key = request.session.session_key
    if not session_key:
        return None
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    browser, os_name = describe_user_agent(user_agent)
    now = timezone.now()
    row, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip_address": client_ip(request), "user_agent": user_agent,
                  "browser": browser, "os": os_name, "last_seen_at": now},
        create_defaults={"user": user, "ip_address": client_ip(request), "user_agent": user_agent,
                         "browser": browser, "os": os_name, "created_at": now, "last_seen_at": now},
    )
    return row


def touch_session(request, row: UserSession) -> None:
    """Record the request's time, address and browser on its session row.

    Writes at most once a minute while the address and browser stay the same.
    """
    now = timezone.now()
    ip = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    if now - row.last_seen_at < LAST_SEEN_RESOLUTION and ip == row.ip_address and user_agent == row.user_agent:
        return
    browser, os_name = describe_user_agent(user_agent)
    UserSession.objects.filter(pk=row.pk).update(
        last_seen_at=now, ip_address=ip, user_agent=user_agent, browser=browser, os=os_name
    )


def rename_session(old_key: str | None, new_key: str | None) -> None:
    """Move a row to the session's new key after `cycle_key()` (as a password change does)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def end_session(row: UserSession) -> None:
    """End one session at once: its data leaves the session store and its row is deleted."""
    _session_store()(session_key=row.session_key).delete()
    row.delete()


def end_sessions(user, *, keep_session_key: str | None = None) -> int:
    """End every session of `user` except the one named by `keep_session_key`; return how many ended."""
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    ended = 0
    for row in list(rows):
        end_session(row)
        ended += 1
    return ended
