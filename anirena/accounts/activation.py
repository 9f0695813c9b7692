"""Account activation by a signed, expiring link sent by email."""

import logging

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anirena.accounts.mail import send_account_mail
from anirena.accounts.models import User

logger = logging.getLogger(__name__)

ACTIVATION_SALT = "anirena.accounts.activation"


class ActivationError(Exception):
    pass


def make_activation_token(user: User) -> str:
    # The email is part of the payload so a link stops working if the address changes.
    return signing.dumps({"user": str(user.pk), "email": user.email.lower()}, salt=ACTIVATION_SALT, compress=True)


def activation_url(user: User) -> str:
    return settings.SITE_URL + reverse("accounts:activate", args=[make_activation_token(user)])


def send_activation_email(user: User) -> None:
    url = activation_url(user)
    context = {"url": url, "hours": settings.ACTIVATION_MAX_AGE // 3600}
    send_account_mail(user, _("Activate your %(site)s account") % {"site": settings.SITE_NAME},
                      "accounts/email/activation.txt", context)
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        # Only the local outbox logs the link, so an operator without mail can still activate.
        logger.info("activation link for %s written to %s: %s", user.username, settings.EMAIL_FILE_PATH, url)


def activate(token: str) -> tuple[User, bool]:
    """Activate the account a token names; return it and whether this call activated it.

    Raises ActivationError when the token is invalid or expired. A link used again
    changes nothing and still succeeds, so a second click does not alarm the user.
    """
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT, max_age=settings.ACTIVATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ActivationError(_("This activation link has expired. Request a new one below.")) from None
    except signing.BadSignature:
        raise ActivationError(_("This activation link is invalid. Request a new one below.")) from None
    user = User.objects.filter(pk=payload.get("user")).first()
    if user is None or user.email.lower() != payload.get("email"):
        raise ActivationError(_("This activation link is invalid. Request a new one below."))
    # A link activates an account once: an account that staff disabled later stays disabled.
    if user.activated_at is not None:
        return user, False
    user.is_active = True
    user.activated_at = timezone.now()
    user.save(update_fields=["is_active", "activated_at"])
    logger.info("account %s activated", user.username)
    return user, True
