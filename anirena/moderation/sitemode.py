"""The site mode (normal, read-only, maintenance), switched by staff in the admin without a restart.

The mode is the one `SiteSettings` row, cached for SITE_MODE_CACHE_SECONDS so
that each request costs no query. Saving the row clears the cache, so the
process that saved sees the change at once and the others within that time.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.translation import gettext as _

from anirena.moderation.models import SiteSettings

logger = logging.getLogger(__name__)

Mode = SiteSettings.Mode
_CACHE_KEY = "moderation:site-settings"


class SiteReadOnly(Exception):
    """A write was attempted while the site is read-only (or in maintenance)."""

    status = 503

    def __init__(self, note: str = ""):
        self.note = note
        self.message = _("The site is read-only for now: browsing and downloads work, but uploads, "
                         "comments, sign-ups and API writes are paused. Please try again later.")
        if note:
            self.message = f"{self.message} {note}"
        super().__init__(self.message)


def site_settings() -> SiteSettings:
    """Return the settings row (cached), or an unsaved default one when none exists yet."""
    current = cache.get(_CACHE_KEY)
    if current is None:
        try:
            current = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
        except DatabaseError as error:
            # Before the first migrate the table is missing; the site then runs normally.
            logger.warning("site settings unreadable, assuming normal mode: %s", error)
            return SiteSettings()
        cache.set(_CACHE_KEY, current, settings.SITE_MODE_CACHE_SECONDS)
    return current


def current_mode() -> str:
    """Return the current mode: one of Mode.NORMAL, Mode.READ_ONLY, Mode.MAINTENANCE."""
    return site_settings().mode


def is_writable() -> bool:
    return current_mode() == Mode.NORMAL


def require_writable(request=None) -> None:
    """Raise SiteReadOnly unless the site accepts writes. Views and the API call this before changing anything.

    Staff may still write in maintenance mode, because they are the only ones let in,
    but read-only mode applies to everyone.
    """
    mode = current_mode()
    if mode == Mode.NORMAL:
        return
    user = getattr(request, "user", None)
    if mode == Mode.MAINTENANCE and user is not None and user.is_authenticated and user.is_site_staff:
        return
    raise SiteReadOnly(site_settings().message)


def set_mode(mode: str, *, message: str = "", actor=None, request=None) -> SiteSettings:
    """Switch the site mode, record it in the audit log and clear the cached copy."""
    from anirena.moderation import audit

    row = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
    previous = row.mode
    row.mode = mode
    row.message = message
    row.updated_by = actor
    row.save()
    forget_cached_settings()
    audit.record("site:mode", request=request, actor=actor, mode=mode, previous=previous)
    return row


def forget_cached_settings() -> None:
    cache.delete(_CACHE_KEY)
