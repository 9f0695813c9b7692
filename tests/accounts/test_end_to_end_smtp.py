"""The whole account life cycle, with mail delivered over SMTP to a server on 127.0.0.1."""

import email
import re
import socket
import time
from email import policy

import pytest
from django.urls import reverse

from anirena.accounts import api_keys
from anirena.accounts.models import User
from anirena.testing import need
from tests.accounts.conftest import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "plum-kettle-orbit-91"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} messages, got {len(self.messages)}"
        return self.messages[count - 1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        need(False, "aiosmtpd is not installed; pip install aiosmtpd")
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def path_of_link(message, prefix: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", body).group(1)


def test_account_life_cycle(client, smtp_inbox):
    # Sign up; the activation message arrives over SMTP.
    response = client.post(reverse("accounts:signup"), {
        "username": "kaori", "email": "kaori@example.org", "password1": PASSWORD, "password2": PASSWORD,
        "accept_terms": "on"})
    assert response.status_code == 200
    message = smtp_inbox.wait_for(1)
    assert message["To"] == "kaori@example.org"
    assert client.get(path_of_link(message, "/account/activate/")).status_code == 302

    # Sign in and turn on two-factor authentication with the secret the panel shows.
    login = {"login": "kaori", "password": PASSWORD}
    assert client.post(reverse("accounts:login"), login).status_code == 302
    body = client.post(reverse("accounts:twofactor_setup")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', body).group(1)
    body = client.post(reverse("accounts:twofactor_enable"), {"code": totp_code(secret)}).content.decode()
    assert "Save these recovery codes now" in body
    recovery_codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", body)
    assert len(recovery_codes) == 10

    # Sign out and in again with the next TOTP code.
    client.post(reverse("accounts:logout"))
    assert client.post(reverse("accounts:login"), login).url == reverse("accounts:login_verify")
    response = client.post(reverse("accounts:login_verify"), {"code": totp_code(secret, steps_ahead=1)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200

    # Generate an API key, use it, revoke it.
    body = client.post(reverse("accounts:api_key_create")).content.decode()
    plain = re.search(r'id="new-api-key">(ar_[^<]+)</code>', body).group(1)
    key = api_keys.authenticate_api_key(plain)
    token, _ = api_keys.mint_bearer_token(key)
    assert api_keys.authenticate_bearer_token(token)[0].username == "kaori"
    client.post(reverse("accounts:api_key_revoke"))
    assert api_keys.authenticate_api_key(plain) is None
    assert api_keys.authenticate_bearer_token(token) is None

    # Request deletion (a message confirms it), then cancel it by signing in.
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert "will be deleted" in smtp_inbox.wait_for(2)["Subject"]
    assert not User.objects.get(username="kaori").is_active
    assert client.post(reverse("accounts:login"), login).url == reverse("accounts:login_verify")
    # A recovery code this time: the TOTP codes within the accepted drift may all be used already.
    response = client.post(reverse("accounts:login_verify"), {"code": recovery_codes[0]})
    assert response.url == reverse("accounts:cancel_deletion")
    client.post(reverse("accounts:cancel_deletion"), {"action": "cancel"})
    user = User.objects.get(username="kaori")
    assert user.is_active
    assert user.deletion_requested_at is None
    assert client.get(reverse("accounts:profile")).status_code == 200
