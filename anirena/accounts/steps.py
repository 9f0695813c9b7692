"""Signed, short-lived proofs kept in the session between the steps of a web sign-in.

After a correct password the session contains a token naming the user. The session is
not authenticated until the last step (second factor, or cancelling a deletion)
succeeds. Each purpose has its own salt, the tokens expire after LOGIN_STEP_MAX_AGE
seconds, and they embed the user's session auth hash, so a password change in the
meantime voids them.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

from anirena.accounts.models import User

SECOND_FACTOR = "anirena.accounts.login_second_factor"
CANCEL_DELETION = "anirena.accounts.login_cancel_deletion"
_SESSION_KEY = "account_login_step"


def start_step(request, purpose: str, user: User, next_url: str = "") -> None:
    payload = {"u": str(user.pk), "h": user.get_session_auth_hash(), "next": next_url}
    request.session[_SESSION_KEY] = {"purpose": purpose, "token": signing.dumps(payload, salt=purpose)}


def load_step(request, purpose: str) -> tuple[User, str] | None:
    """Return (user, next URL) of the pending step for `purpose`, or None when absent or expired."""
    stored = request.session.get(_SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        return None
    try:
        payload = signing.loads(stored["token"], salt=purpose, max_age=settings.LOGIN_STEP_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), payload.get("h", "")):
        return None
    return user, payload.get("next", "")


def clear_step(request) -> None:
    request.session.pop(_SESSION_KEY, None)
