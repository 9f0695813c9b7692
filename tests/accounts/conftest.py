import re
import time
import uuid

import pyotp
import pytest
from django.urls import reverse

from tests.factories import make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Give each test its own rate-limit counters, also when they live in a shared Redis."""
    settings.RATELIMIT_KEY_PREFIX = f"test-ratelimit-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def alice_client(client, alice):
    sign_in(client, "alice")
    return client


def sign_in(client, login: str, password: str = PASSWORD, **extra):
    """Post the sign-in form and return the response (a redirect on success)."""
    return client.post(reverse("accounts:login"), {"login": login, "password": password}, **extra)


def link_in(message, path_prefix: str) -> str:
    """Return the site-relative path of the first link in `message` that starts with `path_prefix`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", message.body)
    assert match, f"no {path_prefix} link in: {message.body}"
    return match.group(1)


def code_in(message) -> str:
    match = re.search(r"^\s*(\d{6})\s*$", message.body, re.MULTILINE)
    assert match, f"no code in: {message.body}"
    return match.group(1)


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """Return the TOTP code for the current time step plus `steps_ahead` (within the accepted drift)."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + steps_ahead * totp.interval)


def enable_two_factor(client, user) -> tuple[str, list[str]]:
    """Turn on 2FA through the profile panel; return the secret and the recovery codes shown."""
    body = client.post(reverse("accounts:twofactor_setup")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', body).group(1)
    response = client.post(reverse("accounts:twofactor_enable"), {"code": totp_code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>",
                       response.content.decode())
    user.refresh_from_db()
    return secret, codes
