import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from anirena.accounts import events
from anirena.accounts.models import PendingPasswordChange, UserSession
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import PASSWORD, code_in, enable_two_factor, link_in, sign_in, totp_code

pytestmark = pytest.mark.django_db

NEW = "violet-anchor-meadow-42"


def request_reset(client, email="alice@example.org", **extra):
    return client.post(reverse("accounts:password_forgot"), {"email": email}, follow=True, **extra)


def reset_link() -> str:
    return link_in(mail.outbox[-1], "/account/password/reset/")


def set_new_password(client, link: str, password: str = NEW):
    page = client.get(link, follow=True)
    return page, client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                             {"new_password1": password, "new_password2": password})


def test_reset_flow_sets_password_and_ends_sessions(client, alice):
    other_device = Client()
    sign_in(other_device, "alice")
    response = request_reset(client)
    assert "a link to reset the password is on its way" in response.content.decode()
    assert len(mail.outbox) == 1

    page, done = set_new_password(client, reset_link())
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(tag=events.PASSWORD_RESET, actor=alice).exists()
    assert sign_in(client, "alice", NEW).status_code == 302


def test_reset_token_leaves_the_address_bar(client, alice):
    request_reset(client)
    link = reset_link()
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.endswith("/set-password")
    assert link.rsplit("/", 1)[1] not in response.url


def test_reset_link_works_once(client, alice):
    request_reset(client)
    link = reset_link()
    set_new_password(client, link)
    again = client.get(link)
    assert again.status_code == 400
    assert "invalid, expired or already used" in again.content.decode()


def test_reset_link_expires(client, alice, settings):
    request_reset(client)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert client.get(reset_link()).status_code == 400
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_link_dies_when_user_signs_in(client, alice):
    request_reset(client)
    link = reset_link()
    sign_in(Client(), "alice")
    assert client.get(link).status_code == 400


def test_tampered_reset_link(client, alice):
    request_reset(client)
    link = reset_link()
    assert client.get(link[:-3] + "abc").status_code == 400
    assert client.get("/account/password/reset/not-base64/whatever").status_code == 400


def test_reset_answers_the_same_for_unknown_email(client, alice):
    known = request_reset(client, "alice@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) == 1


def test_reset_requests_throttled_per_ip(client, alice, settings):
    settings.MAIL_REQUESTS_PER_IP = 2
    request_reset(client)
    request_reset(client, "nobody@example.org")
    response = client.post(reverse("accounts:password_forgot"), {"email": "alice@example.org"})
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()


def test_reset_mail_per_address_capped_silently(client, alice, settings):
    settings.MAIL_PER_ADDRESS = 1
    first = request_reset(client)
    second = request_reset(client)
    for response in (first, second):
        assert response.status_code == 200
        assert "a link to reset the password is on its way" in response.content.decode()
    assert len(mail.outbox) == 1


# --- Change from the profile panel ---------------------------------------------------------

def start_change(client, current=PASSWORD, new=NEW, repeat=None):
    return client.post(reverse("accounts:password_change"),
                       {"current_password": current, "new_password1": new, "new_password2": repeat or new})


def test_change_needs_emailed_code(alice_client, alice):
    other_device = Client()
    sign_in(other_device, "alice")
    response = start_change(alice_client)
    assert response.status_code == 200
    assert "We emailed you a verification code" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    code = code_in(mail.outbox[-1])
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code})
    assert response.status_code == 200
    assert "Your password is changed" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    # This browser stays signed in; the other device is signed out.
    assert alice_client.get(reverse("accounts:profile")).status_code == 200
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert UserSession.objects.filter(user=alice).count() == 1
    assert AuditEvent.objects.filter(tag=events.PASSWORD_CHANGE, actor=alice).exists()
    assert "was changed" in mail.outbox[-1].subject


def test_change_stores_code_and_password_hashed(alice_client, alice):
    start_change(alice_client)
    code = code_in(mail.outbox[-1])
    pending = PendingPasswordChange.objects.get(user=alice)
    assert code not in pending.code_hash
    assert NEW not in pending.new_password_hash
    assert pending.new_password_hash.startswith("argon2")


@pytest.mark.parametrize("fields, message", [
    ({"current": "wrong password"}, "current password is incorrect"),
    ({"repeat": "something-else-77"}, "do not match"),
    ({"new": "password123"}, "too common"),
    ({"new": PASSWORD}, "must differ"),
])
def test_change_form_errors(alice_client, alice, fields, message):
    response = start_change(alice_client, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PendingPasswordChange.objects.filter(user=alice).exists()
    assert len(mail.outbox) == 0


def test_change_wrong_current_password_counts_as_failed_login(alice_client, alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    start_change(alice_client, current="wrong 1")
    start_change(alice_client, current="wrong 2")
    response = start_change(alice_client)
    assert response.status_code == 429


def test_change_wrong_code_then_exhausted(alice_client, alice):
    start_change(alice_client)
    code = code_in(mail.outbox[-1])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": wrong})
        assert response.status_code == 400
        assert "code is incorrect" in response.content.decode()
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": wrong})
    assert "Too many wrong codes" in response.content.decode()
    # The right code no longer helps: the change was cancelled.
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert AuditEvent.objects.filter(tag=events.PASSWORD_CHANGE_FAILED).count() == 5


def test_change_code_expires(alice_client, alice, settings):
    settings.PASSWORD_CHANGE_CODE_MAX_AGE = -1
    start_change(alice_client)
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code_in(mail.outbox[-1])})
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_change_code_works_once(alice_client, alice):
    start_change(alice_client)
    code = code_in(mail.outbox[-1])
    alice_client.post(reverse("accounts:password_change_confirm"), {"code": code})
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code})
    assert response.status_code == 400


def test_change_with_two_factor_needs_totp(alice_client, alice):
    secret, _codes = enable_two_factor(alice_client, alice)
    start_change(alice_client)
    code = code_in(mail.outbox[-1])
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code})
    assert response.status_code == 400
    response = alice_client.post(reverse("accounts:password_change_confirm"), {"code": code, "totp_code": "000000"})
    assert response.status_code == 400
    response = alice_client.post(reverse("accounts:password_change_confirm"),
                                 {"code": code, "totp_code": totp_code(secret, steps_ahead=1)})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(NEW)
