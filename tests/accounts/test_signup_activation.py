import re

import pytest
from django.core import mail
from django.urls import reverse

from anirena.accounts.models import User
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
    return re.search(r"http://testserver(/account/activate/\S+)", message.body).group(1)


def test_signup_sends_activation_then_login(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("accounts:signup"), SIGNUP)
    user = User.objects.get(username="newbie")
    assert response.status_code == 200
    assert not user.is_active
    assert user.terms_accepted_at is not None
    assert len(mail.outbox) == 1

    login = {"login": "newbie", "password": SIGNUP["password1"]}
    assert "not activated" in client.post(reverse("accounts:login"), login).content.decode()

    response = client.get(activation_link(mail.outbox[0]))
    assert response.status_code == 302
    response = client.post(reverse("accounts:login"), login)
    assert response.status_code == 302
    assert client.get(reverse("torrents:upload")).status_code == 200


def test_signup_field_errors(client):
    make_user("taken")
    bad = {**SIGNUP, "username": "TAKEN", "email": "TAKEN@example.org", "password2": "different", "accept_terms": ""}
    body = client.post(reverse("accounts:signup"), bad).content.decode()
    assert "username is taken" in body
    assert "already exists" in body
    assert "do not match" in body
    assert "accept the site terms" in body
    assert User.objects.count() == 1


def test_signup_rejects_common_password(client):
    body = client.post(reverse("accounts:signup"), {**SIGNUP, "password1": "password123", "password2": "password123"})
    assert "too common" in body.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_tampered_activation_link(client):
    response = client.get("/account/activate/bogus-token")
    assert response.status_code == 400


def test_expired_activation_link(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("accounts:signup"), SIGNUP)
    settings.ACTIVATION_MAX_AGE = -1
    response = client.get(activation_link(mail.outbox[0]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not User.objects.get(username="newbie").is_active


def test_resend_answers_the_same_for_unknown_email(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("accounts:signup"), SIGNUP)
    mail.outbox.clear()
    known = client.post(reverse("accounts:resend_activation"), {"email": "newbie@example.org"}, follow=True)
    unknown = client.post(reverse("accounts:resend_activation"), {"email": "nobody@example.org"}, follow=True)
    assert len(mail.outbox) == 1
    assert known.content.decode().count("a new link is on its way") == 1
    assert unknown.content.decode().count("a new link is on its way") == 1


def test_outbox_writes_mail_file(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    client.post(reverse("accounts:signup"), SIGNUP)
    written = list(tmp_path.iterdir())
    assert len(written) == 1
    assert "/account/activate/" in written[0].read_text()


def test_login_by_email_and_logout(client):
    make_user("someone")
    response = client.post(reverse("accounts:login"), {"login": "SOMEONE@example.org",
                                                       "password": "correct horse battery staple"})
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("torrents:upload")).status_code == 302
