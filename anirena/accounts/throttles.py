"""Rate limits of the account flows, built from settings at each call so tests can change them."""

from django.conf import settings

from anirena.core.ratelimit import RateLimit, RateLimited


def login_failures_per_account() -> RateLimit:
    return RateLimit("login-failures:account", settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURE_WINDOW)


def login_failures_per_ip() -> RateLimit:
    return RateLimit("login-failures:ip", settings.LOGIN_FAILURES_PER_IP, settings.LOGIN_FAILURE_WINDOW)


def mail_requests_per_ip() -> RateLimit:
    """Sign-ups, activation resends and password-reset requests from one address."""
    return RateLimit("mail-requests:ip", settings.MAIL_REQUESTS_PER_IP, 3600)


def mail_per_address() -> RateLimit:
    """Messages sent to one email address for resends, resets and verification codes."""
    return RateLimit("mail:address", settings.MAIL_PER_ADDRESS, 3600)


def check_login_allowed(account_key: str, ip: str | None) -> None:
    """Raise RateLimited while the account or the IP has used up its failed sign-ins."""
    waits = []
    for limit, key in ((login_failures_per_account(), account_key), (login_failures_per_ip(), ip)):
        if key:
            decision = limit.peek(key)
            if not decision.allowed:
                waits.append((decision.retry_after, limit))
    if waits:
        retry_after, limit = max(waits, key=lambda wait: wait[0])
        raise RateLimited(retry_after, limit)


def count_login_failure(account_key: str, ip: str | None) -> None:
    login_failures_per_account().hit(account_key)
    if ip:
        login_failures_per_ip().hit(ip)


def forget_login_failures(account_key: str) -> None:
    """Clear an account's failures after a full sign-in; the IP's count stays."""
    login_failures_per_account().reset(account_key)
