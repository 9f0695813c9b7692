"""Password recovery by emailed link, and password change confirmed by an emailed code."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from anirena.accounts import events, throttles
from anirena.accounts.login import find_account
from anirena.accounts.mail import send_account_mail
from anirena.accounts.models import PendingPasswordChange, User
from anirena.accounts.sessions import end_sessions, rename_session
from anirena.moderation.audit import client_ip, record

CHANGE_CODE_DIGITS = 6
CHANGE_CODE_MAX_ATTEMPTS = 5
CHANGE_CODE_SALT = "anirena.accounts.password_change_code"


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token under this site's own salt.

    The token is an HMAC over the user's password hash, last sign-in time and email, so
    it stops working once the password changes (single use) or the user signs in, and
    after PASSWORD_RESET_TIMEOUT seconds.
    """

    key_salt = "anirena.accounts.password_reset"


reset_tokens = ResetTokenGenerator()


# --- Recovery by emailed link --------------------------------------------------------

def password_reset_url(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("accounts:password_reset", args=[uidb64, reset_tokens.make_token(user)])


def send_password_reset(user: User) -> None:
    context = {"url": password_reset_url(user), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    send_account_mail(user, _("Reset your %(site)s password") % {"site": settings.SITE_NAME},
                      "accounts/email/password_reset.txt", context)


def request_password_reset(email: str, *, request=None) -> None:
    """Email a reset link if `email` belongs to an account; do the same work visible either way.

    Raises RateLimited when the client IP asked too often. A per-address limit silently
    stops further messages, since an error there would reveal that the address exists.
    """
    throttles.mail_requests_per_ip().enforce(client_ip(request) or "-")
    user = find_account(email) if "@" in (email or "") else None
    record(events.PASSWORD_RESET_REQUEST, request=request, actor=user, known=user is not None)
    if user is None:
        return
    if not throttles.mail_per_address().hit(user.email.lower()).allowed:
        return
    # NOTE: the message is sent within the request, so a slow mail server makes responses
    # for registered addresses measurably slower; queueing it on huey would hide that.
    send_password_reset(user)


def user_for_reset(uidb64: str, token: str) -> User | None:
    """Return the user a reset link names if its token is valid and unexpired, else None."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    if user is None or not reset_tokens.check_token(user, token):
        return None
    return user


def reset_password(user: User, new_password: str, *, request=None) -> None:
    """Set a new password from a reset link and sign every session out."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ended = end_sessions(user)
    record(events.PASSWORD_RESET, request=request, actor=user, sessions_ended=ended)


# --- Change from the profile panel, confirmed by an emailed code ----------------------

class PasswordChangeError(Exception):
    def __init__(self, message, *, field: str = "code"):
        self.message = message
        self.field = field
        super().__init__(str(message))


def _code_hash(user: User, code: str) -> str:
    # Keyed with SECRET_KEY: a six-digit code under a plain hash would fall to an offline search.
    return salted_hmac(CHANGE_CODE_SALT, f"{user.pk}:{code}", algorithm="sha256").hexdigest()


def start_password_change(user: User, new_password: str, *, request=None) -> None:
    """Store the new password's hash and email a code that confirms the change.

    The caller has checked the current password. Raises RateLimited when too many codes
    went to this address within the hour.
    """
    throttles.mail_per_address().enforce(user.email.lower())
    code = f"{secrets.randbelow(10 ** CHANGE_CODE_DIGITS):0{CHANGE_CODE_DIGITS}d}"
    PendingPasswordChange.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": _code_hash(user, code),
            "new_password_hash": make_password(new_password),
            "expires_at": timezone.now() + timedelta(seconds=settings.PASSWORD_CHANGE_CODE_MAX_AGE),
            "failed_attempts": 0,
        },
    )
    context = {"code": code, "minutes": settings.PASSWORD_CHANGE_CODE_MAX_AGE // 60}
    send_account_mail(user, _("Your %(site)s password change code") % {"site": settings.SITE_NAME},
                      "accounts/email/password_change_code.txt", context)
    record(events.PASSWORD_CHANGE_REQUEST, request=request, actor=user)


def pending_password_change(user: User) -> PendingPasswordChange | None:
    pending = PendingPasswordChange.objects.filter(user=user).first()
    if pending is not None and pending.expires_at <= timezone.now():
        pending.delete()
        return None
    return pending


def confirm_password_change(user: User, code: str, *, request=None) -> None:
    """Apply the pending change if `code` matches; keep this session and end all others.

    Raises PasswordChangeError when nothing is pending, the code expired, or the code is
    wrong; the fifth wrong code cancels the change.
    """
    pending = pending_password_change(user)
    if pending is None:
        raise PasswordChangeError(_("The code has expired or no change is waiting. Start the change again."))

    code = (code or "").strip()
    if not constant_time_compare(pending.code_hash, _code_hash(user, code)):
        pending.failed_attempts += 1
        record(events.PASSWORD_CHANGE_FAILED, request=request, actor=user, reason="wrong_code",
               attempts=pending.failed_attempts)
        if pending.failed_attempts >= CHANGE_CODE_MAX_ATTEMPTS:
            pending.delete()
            raise PasswordChangeError(_("Too many wrong codes. Start the change again to get a new code."))
        pending.save(update_fields=["failed_attempts"])
        raise PasswordChangeError(_("The code is incorrect. Check the latest message we sent you."))

    with transaction.atomic():
        user.password = pending.new_password_hash
        user.save(update_fields=["password"])
        pending.delete()
    # The session auth hash follows the password; refreshing it keeps this browser signed
    # in, and cycling the key needs the session row to follow.
    old_key = request.session.session_key if request is not None else None
    if request is not None:
        update_session_auth_hash(request, user)
        rename_session(old_key, request.session.session_key)
    ended = end_sessions(user, keep_session_key=request.session.session_key if request is not None else None)
    record(events.PASSWORD_CHANGE, request=request, actor=user, sessions_ended=ended)
    send_account_mail(user, _("Your %(site)s password was changed") % {"site": settings.SITE_NAME},
                      "accounts/email/password_changed.txt", {"ip": client_ip(request)})
