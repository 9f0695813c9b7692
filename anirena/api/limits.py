"""Rate limits of the API, built from settings at each call so tests and operators can change them.

Uploads, searches and reads count per API key, anime searches per client IP.
The counts live in Django's cache (Redis when configured), see `anirena.core.ratelimit`.
"""

from django.conf import settings

from anirena.api.errors import rate_limited
from anirena.core.ratelimit import RateLimit, RateLimited
from anirena.moderation.audit import client_ip


def upload_limit() -> RateLimit:
    count, window = settings.API_UPLOAD_RATE_LIMIT
    return RateLimit("api-upload:key", count, window)


def search_limit() -> RateLimit:
    count, window = settings.API_SEARCH_RATE_LIMIT
    return RateLimit("api-search:key", count, window)


def read_limit() -> RateLimit:
    count, window = settings.API_READ_RATE_LIMIT
    return RateLimit("api-read:key", count, window)


def anime_search_limit() -> RateLimit:
    # The guide gives anime search the same numbers as torrent search, counted per IP.
    count, window = settings.API_SEARCH_RATE_LIMIT
    return RateLimit("api-anime-search:ip", count, window)


def check_upload_allowed(identity) -> None:
    """Raise a 429 when the key has used up its uploads; nothing is counted here."""
    limit = upload_limit()
    decision = limit.peek(str(identity.api_key.pk))
    if not decision.allowed:
        error = RateLimited(decision.retry_after, limit)
        raise rate_limited(error, f"This API key has used its {limit.limit} uploads per {limit.window} seconds; "
                                  f"retry after {error.retry_after} seconds.")


def count_upload(identity) -> None:
    upload_limit().hit(str(identity.api_key.pk))


def enforce_per_key(limit: RateLimit, identity) -> None:
    """Count one request of a non-staff key against `limit`, raising a 429 past it."""
    if identity.user.is_site_staff:
        return
    try:
        limit.enforce(str(identity.api_key.pk))
    except RateLimited as error:
        raise rate_limited(error, f"This API key has made {limit.limit} such requests in {limit.window} seconds; "
                                  f"retry after {error.retry_after} seconds.") from None


def enforce_per_ip(limit: RateLimit, request) -> None:
    ip = client_ip(request) or "unknown"
    try:
        limit.enforce(ip)
    except RateLimited as error:
        raise rate_limited(error, f"Your address has made {limit.limit} such requests in {limit.window} seconds; "
                                  f"retry after {error.retry_after} seconds.") from None
