"""Account messages, rendered from text templates and sent through Django's mail system."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from anirena.accounts.preferences import effective_preferences

logger = logging.getLogger(__name__)


def send_account_mail(user, subject, template: str, context: dict | None = None) -> bool:
    """Send `template` to the user's address, in their interface language when they chose one.

    Returns False when the mail server failed. The error is logged, not raised, so a
    failing server cannot reveal through error pages which addresses have accounts.
    """
    language = effective_preferences(user)["language"] or translation.get_language()
    with translation.override(language):
        body = render_to_string(template, {"user": user, "SITE_NAME": settings.SITE_NAME, **(context or {})})
        try:
            send_mail(str(subject), body, None, [user.email])
        except (smtplib.SMTPException, OSError) as error:
            logger.error("sending %s to account %s failed: %s", template, user.pk, error)
            return False
    return True
