import pytest
from django.core import mail
from django.urls import reverse

from anirena.accounts import events
from anirena.accounts.models import BlockedNetwork, User
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import link_in, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newbie",
    "email": "newbie@example.org",
    "password1": "plum-kettle-orbit-91",
    "password2": "plum-kettle-orbit-91",
    "accept_terms": "on",
}


def activation_link(message) -> str:
    return link_in(message, "/account/activate/")


def test_signup_sends_activation_then_login(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    user = User.objects.get(username="newbie")
    assert response.status_code == 200
    assert not user.is_active
    assert user.terms_accepted_at is not None
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(tag=events.SIGNUP, actor=user).exists()

    assert "not activated" in sign_in(client, "newbie", SIGNUP["password1"]).content.decode()

    response = client.get(activation_link(mail.outbox[0]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(tag=events.ACTIVATE, actor=user).exists()
    response = sign_in(client, "newbie", SIGNUP["password1"])
    assert response.status_code == 302
    assert client.get(reverse("torrents:upload")).status_code == 200


def test_signup_field_errors(client):
    make_user("taken")
    bad = {**SIGNUP, "username": "TAKEN", "email": "TAKEN@example.org", "password2": "different", "accept_terms": ""}
    response = client.post(reverse("accounts:signup"), bad)
    body = response.content.decode()
    assert response.status_code == 400
    assert "username is taken" in body
    assert "already exists" in body
    assert "do not match" in body
    assert "accept the site terms" in body
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["admin", "Deleted_User", "ab", "white space", "x" * 33])
def test_signup_rejects_username(client, username):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "username": username})
    assert response.status_code == 400
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_signup_rejects_common_password(client):
    body = client.post(reverse("accounts:signup"), {**SIGNUP, "password1": "password123", "password2": "password123"})
    assert "too common" in body.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_signup_from_blocked_network(client):
    BlockedNetwork.objects.create(network="198.51.100.0/24", reason="spam wave")
    response = client.post(reverse("accounts:signup"), SIGNUP, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 403
    assert "not possible from your network" in response.content.decode()
    assert "spam wave" not in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    assert AuditEvent.objects.filter(tag=events.SIGNUP_BLOCKED, ip_address="198.51.100.23").exists()


def test_signup_throttled_per_ip(client, settings):
    settings.MAIL_REQUESTS_PER_IP = 2
    for index in range(2):
        fields = {**SIGNUP, "username": f"newbie{index}", "email": f"newbie{index}@example.org"}
        assert client.post(reverse("accounts:signup"), fields).status_code == 200
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_tampered_activation_link(client):
    response = client.get("/account/activate/bogus-token")
    assert response.status_code == 400


def test_expired_activation_link(client, settings):
    client.post(reverse("accounts:signup"), SIGNUP)
    settings.ACTIVATION_MAX_AGE = -1
    response = client.get(activation_link(mail.outbox[0]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not User.objects.get(username="newbie").is_active


def test_reused_activation_link_changes_nothing(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    link = activation_link(mail.outbox[0])
    client.get(link)
    first = User.objects.get(username="newbie").activated_at
    assert client.get(link).status_code == 302
    assert User.objects.get(username="newbie").activated_at == first
    assert AuditEvent.objects.filter(tag=events.ACTIVATE).count() == 1


def test_activation_keeps_disabled_account_off(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    link = activation_link(mail.outbox[0])
    client.get(link)
    User.objects.filter(username="newbie").update(is_active=False)
    client.get(link)
    assert not User.objects.get(username="newbie").is_active


def test_login_page_links_to_resend_and_forgot(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:resend_activation") in body
    assert reverse("accounts:password_forgot") in body


def test_resend_sends_a_fresh_working_link(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    mail.outbox.clear()
    client.post(reverse("accounts:resend_activation"), {"email": "NEWBIE@example.org"})
    assert len(mail.outbox) == 1
    assert client.get(activation_link(mail.outbox[0])).status_code == 302
    assert User.objects.get(username="newbie").is_active


def test_resend_answers_the_same_for_unknown_email(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    mail.outbox.clear()
    known = client.post(reverse("accounts:resend_activation"), {"email": "newbie@example.org"}, follow=True)
    unknown = client.post(reverse("accounts:resend_activation"), {"email": "nobody@example.org"}, follow=True)
    assert len(mail.outbox) == 1
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().count("a new link is on its way") == 1
    assert unknown.content.decode().count("a new link is on its way") == 1


def test_resend_stops_mail_quietly_after_limit(client, settings):
    settings.MAIL_PER_ADDRESS = 2
    client.post(reverse("accounts:signup"), SIGNUP)
    mail.outbox.clear()
    for _ in range(4):
        response = client.post(reverse("accounts:resend_activation"), {"email": "newbie@example.org"}, follow=True)
        assert "a new link is on its way" in response.content.decode()
    assert len(mail.outbox) == 2


def test_outbox_writes_mail_file(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    client.post(reverse("accounts:signup"), SIGNUP)
    written = list(tmp_path.iterdir())
    assert len(written) == 1
    assert "/account/activate/" in written[0].read_text()


def test_login_by_email_and_logout(client):
    make_user("someone")
    response = sign_in(client, "SOMEONE@example.org")
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("torrents:upload")).status_code == 302
    assert AuditEvent.objects.filter(tag=events.LOGOUT).exists()
