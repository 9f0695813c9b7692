"""Per-role limits on web-form uploads, counted in the cache with `anirena.core.ratelimit`."""

from django.conf import settings
from django.utils.translation import gettext as _

from anirena.core.ratelimit import RateLimit


def _limit_for(user) -> RateLimit | None:
    """Return the limit of the user's role, or None for staff and roles without a limit."""
    if user.is_site_staff:
        return None
    configured = settings.UPLOAD_RATE_LIMITS.get(user.role) or settings.UPLOAD_RATE_LIMITS.get("user")
    if configured is None:
        return None
    count, window = configured
    return RateLimit(f"upload:{user.role}", limit=count, window=window)


def enforce_upload_rate(user) -> None:
    """Raise UploadRejected (status 429) when the user has used up the uploads of the current window."""
    from anirena.torrents.services.upload import UploadRejected

    limit = _limit_for(user)
    if limit is None:
        return
    decision = limit.peek(str(user.pk))
    if not decision.allowed:
        minutes = max(1, round(decision.retry_after / 60))
        raise UploadRejected(
            _("You have reached the limit of %(count)d uploads per %(window)d minutes. "
              "Try again in about %(minutes)d minutes.")
            % {"count": limit.limit, "window": limit.window // 60, "minutes": minutes},
            field="__all__", code="rate_limited", status=429,
        )


def record_upload(user) -> None:
    """Count one successful upload against the user's limit."""
    limit = _limit_for(user)
    if limit is not None:
        limit.hit(str(user.pk))
