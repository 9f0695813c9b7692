"""Signing in: the password check, the second factor, and the failures both count.

The web login and the API's /auth/login call the same functions, so they share one
throttle: failed passwords and failed second-factor codes count against both the
account and the client IP, and a full sign-in clears the account's count.

The response to a wrong password is the same whether or not the account exists, and
takes as long, because an unknown login still runs one password hash. Account states
(not activated, banned, deletion pending) are revealed only after a correct password.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from anirena.accounts import events, throttles, twofactor
from anirena.accounts.ipblock import is_ip_blocked
from anirena.core.ratelimit import RateLimited
from anirena.moderation.audit import client_ip, record

User = get_user_model()


class LoginError(Exception):
    """A sign-in failed. `code` is stable for API clients; `message` is for people."""

    code = "login_failed"
    message = _("Sign-in failed.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class InvalidCredentials(LoginError):
    code = "invalid_credentials"
    message = _("The username or password is incorrect.")


class IpBlocked(LoginError):
    code = "ip_blocked"
    message = _("Sign-in is not possible from your network. Contact the site staff if you think this is a mistake.")


class AccountNotActivated(LoginError):
    code = "not_activated"
    message = _("This account is not activated yet. Follow the link in the activation email, "
                "or use “Activate your account” below to get a new one.")


class AccountDisabled(LoginError):
    code = "disabled"
    message = _("This account is disabled. Contact the site staff.")


class AccountBanned(LoginError):
    code = "banned"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(_("This account is banned: %(reason)s") % {"reason": reason or _("no reason given")})


class DeletionPending(LoginError):
    """The password (and second factor) are right but the account is waiting for deletion."""

    code = "deletion_pending"
    message = _("This account is scheduled for deletion. Sign in on the website to cancel the deletion.")

    def __init__(self, user):
        self.user = user
        super().__init__()


class TwoFactorRequired(LoginError):
    code = "two_factor_required"
    message = _("Enter the code from your authenticator app, or a recovery code.")

    def __init__(self, user=None):
        self.user = user
        super().__init__()


class InvalidTwoFactorCode(LoginError):
    code = "invalid_two_factor_code"
    message = _("The code is invalid or was already used. Enter a new code from your authenticator app, "
                "or an unused recovery code.")


def find_account(login: str):
    """Return the user whose username or email (any letter case) is `login`, or None."""
    login = (login or "").strip()
    if not login:
        return None
    lookup = {"email__iexact": login} if "@" in login else {"username__iexact": login}
    return User.objects.filter(**lookup).first()


def _throttle_key(user, login: str) -> str:
    # Known accounts are counted by id, so the username and email forms share one count.
    # Unknown logins are counted by their text, so they are throttled like real accounts.
    return f"user:{user.pk}" if user is not None else f"login:{(login or '').strip().lower()}"


def _fail(request, user, login: str, reason: str, error: LoginError, channel: str):
    throttles.count_login_failure(_throttle_key(user, login), client_ip(request))
    # The text of an unknown login is not recorded: people sometimes type a password there.
    record(events.LOGIN_FAILED, request=request, actor=user, reason=reason, channel=channel)
    raise error


def check_password(login: str, password: str, *, request=None, channel: str = "web"):
    """Return the account that `login` and `password` name, or raise a LoginError or RateLimited.

    Raises for a blocked IP, a throttled account or IP, wrong credentials, and accounts
    that are not activated, banned or disabled. An account waiting for deletion passes,
    so the caller can offer to cancel the deletion after the second factor.
    """
    ip = client_ip(request)
    if is_ip_blocked(ip):
        record(events.LOGIN_BLOCKED, request=request, channel=channel)
        raise IpBlocked()

    user = find_account(login)
    try:
        throttles.check_login_allowed(_throttle_key(user, login), ip)
    except RateLimited as error:
        record(events.LOGIN_THROTTLED, request=request, actor=user, channel=channel, retry_after=error.retry_after)
        raise

    if user is None:
        # Hash the password anyway so an unknown login costs the same time as a wrong password.
        User().set_password(password or "")
        _fail(request, None, login, "unknown_login", InvalidCredentials(), channel)
    if not password or not user.check_password(password):
        _fail(request, user, login, "wrong_password", InvalidCredentials(), channel)

    if user.is_banned:
        record(events.LOGIN_FAILED, request=request, actor=user, reason="banned", channel=channel)
        raise AccountBanned(user.ban_reason)
    if user.activated_at is None and not user.is_active:
        record(events.LOGIN_FAILED, request=request, actor=user, reason="not_activated", channel=channel)
        raise AccountNotActivated()
    if not user.is_active and user.deletion_requested_at is None:
        record(events.LOGIN_FAILED, request=request, actor=user, reason="disabled", channel=channel)
        raise AccountDisabled()
    return user


def check_second_factor(user, *, totp_code: str | None = None, recovery_code: str | None = None,
                        request=None, channel: str = "web") -> str:
    """Check a TOTP or recovery code of `user`; return which one worked ("totp" or "recovery_code").

    Raises RateLimited while the account or IP is throttled, TwoFactorRequired when no
    code was given, and InvalidTwoFactorCode (counted as a failed sign-in) otherwise.
    """
    ip = client_ip(request)
    try:
        throttles.check_login_allowed(_throttle_key(user, ""), ip)
    except RateLimited as error:
        record(events.LOGIN_THROTTLED, request=request, actor=user, channel=channel, retry_after=error.retry_after)
        raise

    if totp_code:
        if twofactor.verify_totp(user, totp_code):
            return "totp"
        _fail(request, user, "", "wrong_totp_code", InvalidTwoFactorCode(), channel)
    if recovery_code:
        if twofactor.use_recovery_code(user, recovery_code):
            record(events.RECOVERY_CODE_USE, request=request, actor=user, channel=channel,
                   remaining=twofactor.remaining_recovery_codes(user))
            return "recovery_code"
        _fail(request, user, "", "wrong_recovery_code", InvalidTwoFactorCode(), channel)
    raise TwoFactorRequired(user)


def record_login(user, *, request=None, method: str = "password", channel: str = "web") -> None:
    """Clear the account's failure count and write the audit event of a completed sign-in."""
    throttles.forget_login_failures(_throttle_key(user, ""))
    record(events.LOGIN, request=request, actor=user, method=method, channel=channel)


def login_with_password(login: str, password: str, totp_code: str | None = None,
                        recovery_code: str | None = None, request=None):
    """Authenticate an API client by password and, when 2FA is on, a TOTP or recovery code.

    Returns the user. Raises RateLimited (with `retry_after`) or a LoginError subclass,
    whose `code` and `message` suit a JSON error. No session is created.
    """
    user = check_password(login, password, request=request, channel="api")
    method = "password"
    if user.has_two_factor:
        method = check_second_factor(user, totp_code=totp_code, recovery_code=recovery_code,
                                     request=request, channel="api")
    if user.deletion_requested_at is not None:
        record(events.LOGIN_FAILED, request=request, actor=user, reason="deletion_pending", channel="api")
        raise DeletionPending(user)
    record_login(user, request=request, method=method, channel="api")
    return user
