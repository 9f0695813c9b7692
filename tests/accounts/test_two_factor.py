import pytest
from django.test import Client
from django.urls import reverse

from anirena.accounts import events
from anirena.accounts.models import RecoveryCode, UserSession
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import enable_two_factor, sign_in, totp_code

pytestmark = pytest.mark.django_db


def verify(client, code):
    return client.post(reverse("accounts:login_verify"), {"code": code})


def test_setup_shows_qr_and_secret_without_enabling(alice_client, alice):
    body = alice_client.post(reverse("accounts:twofactor_setup")).content.decode()
    assert "<svg" in body
    assert 'class="secret"' in body
    alice.refresh_from_db()
    assert not alice.has_two_factor


def test_enable_with_wrong_code_fails(alice_client, alice):
    alice_client.post(reverse("accounts:twofactor_setup"))
    response = alice_client.post(reverse("accounts:twofactor_enable"), {"code": "12345"})
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.has_two_factor
    assert AuditEvent.objects.filter(tag=events.TWO_FACTOR_ENABLE_FAILED).exists()


def test_enable_shows_ten_recovery_codes_once(alice_client, alice):
    secret, codes = enable_two_factor(alice_client, alice)
    assert alice.has_two_factor
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=alice).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    page = alice_client.get(reverse("accounts:profile") + "?section=twofactor").content.decode()
    assert codes[0] not in page
    assert secret not in page
    assert AuditEvent.objects.filter(tag=events.TWO_FACTOR_ENABLE, actor=alice).exists()


def test_login_needs_second_step(client, alice):
    sign_in(client, "alice")
    secret, _codes = enable_two_factor(client, alice)
    client.post(reverse("accounts:logout"))

    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login_verify")
    # Between the steps the session is not signed in.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()

    response = verify(client, totp_code(secret, steps_ahead=1))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(tag=events.LOGIN, payload__method="totp").exists()


def test_totp_code_cannot_be_replayed(client, alice):
    sign_in(client, "alice")
    secret, _codes = enable_two_factor(client, alice)
    client.post(reverse("accounts:logout"))
    code = totp_code(secret, steps_ahead=1)

    sign_in(client, "alice")
    assert verify(client, code).status_code == 302
    client.post(reverse("accounts:logout"))

    other = Client()
    sign_in(other, "alice")
    response = verify(other, code)
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert other.get(reverse("accounts:profile")).status_code == 302


def test_wrong_totp_counts_toward_throttle(client, alice, settings):
    sign_in(client, "alice")
    enable_two_factor(client, alice)
    client.post(reverse("accounts:logout"))
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    sign_in(client, "alice")
    verify(client, "000001")
    verify(client, "000002")
    response = verify(client, "000003")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert sign_in(client, "alice").status_code == 429


def test_recovery_code_works_once(client, alice):
    sign_in(client, "alice")
    _secret, codes = enable_two_factor(client, alice)
    client.post(reverse("accounts:logout"))

    sign_in(client, "alice")
    assert verify(client, codes[0].upper()).status_code == 302
    client.post(reverse("accounts:logout"))
    event = AuditEvent.objects.get(tag=events.RECOVERY_CODE_USE)
    assert event.payload["remaining"] == 9
    assert codes[0] not in str(event.payload)

    sign_in(client, "alice")
    response = verify(client, codes[0])
    assert response.status_code == 400
    assert verify(client, codes[1].replace("-", "")).status_code == 302


def test_second_step_expires(client, alice, settings):
    sign_in(client, "alice")
    secret, _codes = enable_two_factor(client, alice)
    client.post(reverse("accounts:logout"))
    sign_in(client, "alice")
    settings.LOGIN_STEP_MAX_AGE = -1
    response = verify(client, totp_code(secret, steps_ahead=1))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_second_step_without_password_step(client, alice):
    response = verify(client, "123456")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_disable_needs_current_code(alice_client, alice):
    secret, _codes = enable_two_factor(alice_client, alice)
    response = alice_client.post(reverse("accounts:twofactor_disable"), {"code": "000000"})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.has_two_factor
    assert AuditEvent.objects.filter(tag=events.TWO_FACTOR_DISABLE_FAILED).exists()

    response = alice_client.post(reverse("accounts:twofactor_disable"), {"code": totp_code(secret, steps_ahead=1)})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert not alice.has_two_factor
    assert not RecoveryCode.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(tag=events.TWO_FACTOR_DISABLE, actor=alice).exists()


def test_regenerate_recovery_codes(alice_client, alice):
    secret, codes = enable_two_factor(alice_client, alice)
    response = alice_client.post(reverse("accounts:recovery_codes"), {"code": totp_code(secret, steps_ahead=1)})
    assert response.status_code == 200
    assert codes[0] not in response.content.decode()
    assert RecoveryCode.objects.filter(user=alice).count() == 10


def test_twofactor_panel_as_htmx_fragment(alice_client):
    response = alice_client.post(reverse("accounts:twofactor_setup"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith("<details")
    assert "<html" not in body
