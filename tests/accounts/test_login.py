from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anirena.accounts import events
from anirena.accounts.bans import ban_user
from anirena.accounts.models import BlockedNetwork, UserSession
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WRONG = "The username or password is incorrect."


def test_login_by_username_any_case(client, alice):
    response = sign_in(client, "ALICE")
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    event = AuditEvent.objects.get(tag=events.LOGIN)
    assert event.actor == alice
    assert event.ip_address == "127.0.0.1"


def test_login_creates_session_row(client, alice):
    sign_in(client, "alice", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    row = UserSession.objects.get(user=alice)
    assert row.session_key == client.session.session_key
    assert row.browser.startswith("Firefox")
    assert row.os.startswith("Linux")


def test_wrong_password_and_unknown_user_answer_alike(client, alice):
    wrong = sign_in(client, "alice", "not the password")
    unknown = sign_in(client, "nobody", "not the password")
    unknown_email = sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown, unknown_email):
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    assert AuditEvent.objects.filter(tag=events.LOGIN_FAILED).count() == 3


def test_failed_login_audit_keeps_no_secret(client, alice):
    sign_in(client, "alice", "hunter2-secret-guess")
    sign_in(client, "my-password-by-mistake", "x")
    for event in AuditEvent.objects.filter(tag=events.LOGIN_FAILED):
        assert "hunter2" not in str(event.payload)
        assert "my-password-by-mistake" not in str(event.payload)


def test_login_throttled_per_account(client, alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in(client, "alice", "wrong password", REMOTE_ADDR="192.0.2.1")
    # The right password from another address is still refused while the account is throttled.
    response = sign_in(client, "alice@example.org", PASSWORD, REMOTE_ADDR="192.0.2.2")
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in body
    assert "Try again in" in body
    assert AuditEvent.objects.filter(tag=events.LOGIN_THROTTLED).exists()
    assert not UserSession.objects.filter(user=alice).exists()


def test_unknown_account_throttled_like_a_real_one(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        sign_in(client, "ghost", "wrong password")
    assert sign_in(client, "ghost", "wrong password").status_code == 429


def test_login_throttled_per_ip(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    bob = make_user("bob")
    for name in ("x1", "x2", "x3"):
        sign_in(client, name, "wrong password", REMOTE_ADDR="192.0.2.7")
    assert sign_in(client, "bob", PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 429
    assert sign_in(client, "bob", PASSWORD, REMOTE_ADDR="192.0.2.8").status_code == 302
    assert UserSession.objects.filter(user=bob).count() == 1


def test_successful_login_clears_account_failures(client, alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    sign_in(client, "alice", "wrong password")
    sign_in(client, "alice", "wrong password")
    assert sign_in(client, "alice").status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "alice", "wrong password")
    sign_in(client, "alice", "wrong password")
    assert sign_in(client, "alice").status_code == 302


def test_banned_user_sees_reason_only_with_password(client, alice):
    ban_user(alice, "Uploading malware")
    wrong = sign_in(client, "alice", "wrong password")
    assert "Uploading malware" not in wrong.content.decode()
    right = sign_in(client, "alice")
    assert right.status_code == 200
    assert "This account is banned: Uploading malware" in right.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_ban_ends_open_sessions(alice_client, alice):
    assert alice_client.get(reverse("accounts:profile")).status_code == 200
    ban_user(alice, "Spam")
    assert alice_client.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(tag=events.BAN, payload__reason="Spam").exists()


def test_banned_flag_alone_signs_session_out(alice_client, alice):
    # Even a ban written without the service (a bulk update) takes effect on the next request.
    type(alice).objects.filter(pk=alice.pk).update(is_banned=True)
    assert alice_client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.parametrize("network, address", [
    ("203.0.113.0/24", "203.0.113.77"),
    ("203.0.113.5", "203.0.113.5"),
    ("2001:db8::/32", "2001:db8:1::5"),
    ("203.0.113.0/24", "::ffff:203.0.113.9"),
])
def test_login_from_blocked_network(client, alice, network, address):
    BlockedNetwork.objects.create(network=network, reason="abuse")
    response = sign_in(client, "alice", REMOTE_ADDR=address)
    assert response.status_code == 403
    assert "not possible from your network" in response.content.decode()
    assert AuditEvent.objects.filter(tag=events.LOGIN_BLOCKED).exists()


def test_expired_block_no_longer_applies(client, alice):
    BlockedNetwork.objects.create(network="203.0.113.0/24", reason="abuse",
                                  expires_at=timezone.now() - timedelta(minutes=1))
    assert sign_in(client, "alice", REMOTE_ADDR="203.0.113.77").status_code == 302


def test_login_redirects_to_safe_next_only(client, alice):
    response = client.post(reverse("accounts:login") + "?next=/account/",
                           {"login": "alice", "password": PASSWORD, "next": "/account/"})
    assert response.url == "/account/"
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"),
                           {"login": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("torrents:home")


def test_disabled_account_cannot_login(client):
    frozen = make_user("frozen")
    type(frozen).objects.filter(pk=frozen.pk).update(is_active=False)
    response = sign_in(client, "frozen")
    assert "disabled" in response.content.decode()


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
