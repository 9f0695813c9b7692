import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from anirena.accounts import events
from anirena.accounts.models import UserSession
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture
def laptop(alice):
    client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="192.0.2.10")
    sign_in(client, "alice")
    return client


@pytest.fixture
def phone(alice):
    client = Client(HTTP_USER_AGENT=SAFARI, REMOTE_ADDR="192.0.2.20")
    sign_in(client, "alice")
    return client


def test_sessions_listed_with_browser_os_ip(laptop, phone):
    body = laptop.get(reverse("accounts:profile") + "?section=sessions").content.decode()
    assert "Firefox 128" in body
    assert "Linux" in body
    assert "Mobile Safari" in body
    assert "iOS 17.5" in body
    assert "192.0.2.20" in body
    assert body.count("This browser") == 1


def test_revoke_one_session(laptop, phone, alice):
    phone_row = UserSession.objects.get(user=alice, ip_address="192.0.2.20")
    response = laptop.post(reverse("accounts:session_revoke", args=[phone_row.pk]))
    assert response.status_code == 200
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert AuditEvent.objects.filter(tag=events.SESSION_REVOKE, actor=alice).exists()


def test_revoke_all_others(laptop, phone, alice):
    third = Client()
    sign_in(third, "alice")
    response = laptop.post(reverse("accounts:sessions_revoke_others"))
    assert "2 other sessions were signed out" in response.content.decode()
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert third.get(reverse("accounts:profile")).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 1


def test_revoke_current_session_signs_out(laptop, alice):
    row = UserSession.objects.get(user=alice)
    response = laptop.post(reverse("accounts:session_revoke", args=[row.pk]))
    assert response.status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 302


def test_cannot_revoke_someone_elses_session(laptop, alice):
    from tests.factories import make_user

    make_user("mallory")
    mallory = Client()
    sign_in(mallory, "mallory")
    row = UserSession.objects.get(user=alice)
    assert mallory.post(reverse("accounts:session_revoke", args=[row.pk])).status_code == 404
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_session_without_row_is_signed_out(laptop, alice):
    # A session kept in the store but no longer listed (revoked elsewhere) stops working.
    UserSession.objects.filter(user=alice).delete()
    assert laptop.get(reverse("accounts:profile")).status_code == 302


def test_last_seen_follows_new_address(laptop, alice):
    laptop.get(reverse("accounts:profile"), REMOTE_ADDR="192.0.2.99")
    assert UserSession.objects.get(user=alice).ip_address == "192.0.2.99"


def test_logout_removes_session_row(laptop, alice):
    laptop.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=alice).exists()
