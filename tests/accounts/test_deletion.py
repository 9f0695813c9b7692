from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anirena.accounts import api_keys, events
from anirena.accounts.deletion import DELETED_USER_USERNAME, delete_expired_accounts
from anirena.accounts.models import User, UserSession
from anirena.accounts.tasks import delete_expired_accounts_hourly
from anirena.moderation.models import AuditEvent
from anirena.torrents.models import Category, Torrent
from tests.accounts.conftest import PASSWORD, enable_two_factor, sign_in, totp_code
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_torrent_row(uploader, title="Some Release - 01"):
    return Torrent.objects.create(title=title, version="v1", size=1000, piece_length=16384,
                                  category=Category.objects.first(), uploader=uploader,
                                  uploaded_at=timezone.now())


def delete_via_panel(client, password=PASSWORD, confirm="on"):
    return client.post(reverse("accounts:delete"), {"password": password, "confirm": confirm})


def test_request_disables_at_once(alice_client, alice):
    other = Client()
    sign_in(other, "alice")
    plain, _row = api_keys.create_api_key(alice)
    response = delete_via_panel(alice_client)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_requested_at is not None
    assert not alice.is_active
    assert alice_client.get(reverse("accounts:profile")).status_code == 302
    assert other.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
    assert api_keys.authenticate_api_key(plain) is None
    assert AuditEvent.objects.filter(tag=events.DELETION_REQUEST, actor=alice).exists()
    assert "will be deleted" in mail.outbox[-1].subject


def test_request_needs_password_and_confirmation(alice_client, alice):
    assert delete_via_panel(alice_client, password="wrong").status_code == 400
    assert delete_via_panel(alice_client, confirm="").status_code == 400
    alice.refresh_from_db()
    assert alice.deletion_requested_at is None
    assert alice.is_active


def test_signing_in_offers_cancel(client, alice):
    sign_in(client, "alice")
    delete_via_panel(client)
    response = sign_in(client, "alice")
    assert response.url == reverse("accounts:cancel_deletion")
    page = client.get(response.url).content.decode()
    assert "Cancel deletion" in page
    # Still signed out until the deletion is cancelled.
    assert client.get(reverse("accounts:profile")).status_code == 302

    response = client.post(reverse("accounts:cancel_deletion"), {"action": "cancel"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_requested_at is None
    assert alice.is_active
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(tag=events.DELETION_CANCEL, actor=alice).exists()


def test_keeping_the_deletion_stays_signed_out(client, alice):
    sign_in(client, "alice")
    delete_via_panel(client)
    sign_in(client, "alice")
    client.post(reverse("accounts:cancel_deletion"), {"action": "keep"})
    alice.refresh_from_db()
    assert alice.deletion_requested_at is not None
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_cancel_needs_second_factor_first(client, alice):
    sign_in(client, "alice")
    secret, _codes = enable_two_factor(client, alice)
    delete_via_panel(client)
    response = sign_in(client, "alice")
    assert response.url == reverse("accounts:login_verify")
    assert client.post(reverse("accounts:cancel_deletion"), {"action": "cancel"}).url == reverse("accounts:login")
    alice.refresh_from_db()
    assert alice.deletion_requested_at is not None

    sign_in(client, "alice")
    response = client.post(reverse("accounts:login_verify"), {"code": totp_code(secret, steps_ahead=1)})
    assert response.url == reverse("accounts:cancel_deletion")
    client.post(reverse("accounts:cancel_deletion"), {"action": "cancel"})
    alice.refresh_from_db()
    assert alice.deletion_requested_at is None


def test_wrong_password_reveals_nothing_about_deletion(client, alice):
    sign_in(client, "alice")
    delete_via_panel(client)
    client.get(reverse("core:guide"))  # shows and so clears the "will be deleted" notice
    body = sign_in(client, "alice", "wrong").content.decode()
    assert "The username or password is incorrect." in body
    assert "deletion" not in body.lower()


def test_job_deletes_after_grace_and_keeps_torrents(alice, settings):
    torrent = make_torrent_row(alice)
    keeper = make_user("keeper")
    make_torrent_row(keeper, "Other Release - 02")
    User.objects.filter(pk=alice.pk).update(deletion_requested_at=timezone.now() - timedelta(days=31),
                                            is_active=False)
    User.objects.filter(pk=keeper.pk).update(deletion_requested_at=timezone.now() - timedelta(days=29),
                                             is_active=False)

    assert delete_expired_accounts() == 1
    assert not User.objects.filter(pk=alice.pk).exists()
    assert User.objects.filter(pk=keeper.pk).exists()
    torrent.refresh_from_db()
    placeholder = User.objects.get(username=DELETED_USER_USERNAME)
    assert torrent.uploader == placeholder
    assert not placeholder.is_active
    assert not placeholder.has_usable_password()
    event = AuditEvent.objects.get(tag=events.DELETION_COMPLETE)
    assert event.payload["username"] == "alice"
    assert event.payload["torrents_transferred"] == 1


def test_job_leaves_cancelled_requests(alice):
    User.objects.filter(pk=alice.pk).update(deletion_requested_at=None)
    assert delete_expired_accounts(now=timezone.now() + timedelta(days=400)) == 0
    assert User.objects.filter(pk=alice.pk).exists()


def test_job_reuses_placeholder(alice):
    bob = make_user("bob")
    for user in (alice, bob):
        make_torrent_row(user, f"Release by {user.username}")
    User.objects.filter(pk__in=[alice.pk, bob.pk]).update(deletion_requested_at=timezone.now() - timedelta(days=40))
    assert delete_expired_accounts() == 2
    assert User.objects.filter(username=DELETED_USER_USERNAME).count() == 1
    assert Torrent.objects.filter(uploader__username=DELETED_USER_USERNAME).count() == 2


def test_periodic_task_runs_the_job(alice):
    User.objects.filter(pk=alice.pk).update(deletion_requested_at=timezone.now() - timedelta(days=31))
    # call_local runs the task body in this process, as a huey worker would.
    delete_expired_accounts_hourly.call_local()
    assert not User.objects.filter(pk=alice.pk).exists()


def test_placeholder_name_cannot_be_registered(client):
    response = client.post(reverse("accounts:signup"), {
        "username": DELETED_USER_USERNAME, "email": "x@example.org", "password1": "plum-kettle-orbit-91",
        "password2": "plum-kettle-orbit-91", "accept_terms": "on"})
    assert response.status_code == 400
