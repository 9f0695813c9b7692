import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from anirena.accounts import events
from anirena.accounts.ipblock import is_ip_blocked
from anirena.accounts.models import BlockedNetwork, Role, UserSession
from anirena.accounts.roles import ADMINISTRATORS, MODERATORS
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_staff_groups_exist_with_permissions():
    moderators = Group.objects.get(name=MODERATORS)
    administrators = Group.objects.get(name=ADMINISTRATORS)
    moderator_perms = {p.codename for p in moderators.permissions.all()}
    assert {"change_user", "delete_torrent", "view_auditevent", "add_blockednetwork"} <= moderator_perms
    assert "delete_user" not in moderator_perms
    assert administrators.permissions.filter(codename="delete_user").exists()


@pytest.mark.parametrize("role, staff, group", [
    (Role.USER, False, None),
    (Role.TRUSTED, False, None),
    (Role.MODERATOR, True, MODERATORS),
    (Role.ADMIN, True, ADMINISTRATORS),
])
def test_role_sets_staff_and_group(role, staff, group):
    user = make_user("someone")
    user.role = role
    user.save()
    user.refresh_from_db()
    assert user.is_staff is staff
    assert [g.name for g in user.groups.all()] == ([group] if group else [])


def test_demotion_removes_staff():
    user = make_user("mod", role=Role.MODERATOR)
    assert user.is_staff
    user.role = Role.USER
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()


def test_moderator_bans_in_admin(client):
    moderator = make_user("mod", role=Role.MODERATOR)
    target = make_user("target")
    target_client = Client()
    sign_in(target_client, "target")
    client.force_login(moderator)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "argon2" not in page.content.decode()

    response = client.post(url, {"is_active": "on", "is_banned": "on", "ban_reason": "Fake releases"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_banned
    assert target.banned_at is not None
    assert target.role == Role.USER
    assert not UserSession.objects.filter(user=target).exists()
    assert target_client.get(reverse("accounts:profile")).status_code == 302
    event = AuditEvent.objects.get(tag=events.BAN)
    assert event.actor == moderator
    assert event.payload["reason"] == "Fake releases"


def test_moderator_cannot_promote_or_edit_staff(client):
    moderator = make_user("mod", role=Role.MODERATOR)
    target = make_user("target")
    admin_user = make_user("boss", role=Role.ADMIN)
    client.force_login(moderator)
    client.post(reverse("admin:accounts_user_change", args=[target.pk]),
                {"is_active": "on", "role": Role.ADMIN, "is_superuser": "on"})
    target.refresh_from_db()
    assert target.role == Role.USER
    assert not target.is_superuser
    # A staff account opens read-only for a moderator, and a change is refused.
    admin_url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    assert client.get(admin_url).status_code == 200
    assert client.post(admin_url, {"is_active": "", "is_banned": "on", "ban_reason": "x"}).status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.is_banned
    assert client.get(reverse("admin:auth_user_password_change", args=[target.pk])).status_code == 403


def test_administrator_changes_role(client):
    admin_user = make_user("boss", role=Role.ADMIN)
    target = make_user("target")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = {"username": "target", "email": "target@example.org", "is_active": "on", "role": Role.MODERATOR,
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.is_staff
    assert list(target.groups.values_list("name", flat=True)) == [MODERATORS]
    assert AuditEvent.objects.filter(tag=events.ROLE_CHANGE, payload__new=Role.MODERATOR).exists()


@pytest.mark.parametrize("network, inside, outside", [
    ("203.0.113.0/24", "203.0.113.255", "203.0.114.1"),
    ("203.0.113.9/32", "203.0.113.9", "203.0.113.10"),
    ("2001:db8:abcd::/48", "2001:db8:abcd:1::1", "2001:db8:abce::1"),
    ("203.0.113.77/24", "203.0.113.1", "198.51.100.1"),
])
def test_is_ip_blocked(network, inside, outside):
    BlockedNetwork.objects.create(network=network, reason="test")
    assert is_ip_blocked(inside)
    assert not is_ip_blocked(outside)


def test_blocked_network_stored_canonical():
    entry = BlockedNetwork.objects.create(network=" 203.0.113.77/24 ", reason="test")
    assert entry.network == "203.0.113.0/24"


@pytest.mark.parametrize("value", [None, "", "not-an-ip", "999.1.1.1"])
def test_is_ip_blocked_bad_input(value):
    BlockedNetwork.objects.create(network="0.0.0.0/0", reason="everything")
    assert not is_ip_blocked(value)


def test_upload_from_blocked_network(alice_client):
    BlockedNetwork.objects.create(network="192.0.2.0/24", reason="abuse")
    response = alice_client.get(reverse("torrents:upload"), REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 403
    assert "Uploads are not possible from your network" in response.content.decode()


def test_banned_user_cannot_upload(alice_client, alice):
    type(alice).objects.filter(pk=alice.pk).update(is_banned=True, ban_reason="Fakes")
    # The ban signs the session out, so the upload page redirects to the sign-in page.
    assert alice_client.get(reverse("torrents:upload")).status_code == 302
