import re

import pytest
from django.core import signing
from django.urls import reverse

from anirena.accounts import api_keys, events
from anirena.accounts.bans import ban_user
from anirena.accounts.deletion import request_deletion
from anirena.accounts.login import (AccountBanned, DeletionPending, InvalidCredentials, InvalidTwoFactorCode,
                                    TwoFactorRequired, login_with_password)
from anirena.accounts.models import ApiKey
from anirena.core.ratelimit import RateLimited
from anirena.moderation.models import AuditEvent
from tests.accounts.conftest import PASSWORD, enable_two_factor, totp_code
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_key_shape_and_storage(alice):
    plain, row = api_keys.create_api_key(alice)
    assert re.fullmatch(r"ar_[a-z2-9]{8}_[A-Za-z0-9_-]{43}", plain)
    assert row.key_id in plain
    assert plain.split("_", 2)[2] not in row.secret_hash
    assert api_keys.authenticate_api_key(plain) == row


@pytest.mark.parametrize("mangle", [
    lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
    lambda key: key.replace("ar_", "xx_", 1),
    lambda key: key[:12],
    lambda key: "",
    lambda key: "ar_________",
])
def test_wrong_keys_rejected(alice, mangle):
    plain, _row = api_keys.create_api_key(alice)
    assert api_keys.authenticate_api_key(mangle(plain)) is None


def test_new_key_replaces_old(alice):
    old, _ = api_keys.create_api_key(alice)
    new, row = api_keys.create_api_key(alice)
    assert api_keys.authenticate_api_key(old) is None
    assert api_keys.authenticate_api_key(new) == row
    assert ApiKey.objects.filter(user=alice, revoked_at__isnull=True).count() == 1


def test_revoked_key_rejected_at_once(alice):
    plain, row = api_keys.create_api_key(alice)
    token, expires_in = api_keys.mint_bearer_token(row)
    assert expires_in == 3600
    assert api_keys.authenticate_bearer_token(token) == (alice, row)
    assert api_keys.revoke_api_key(alice)
    assert api_keys.authenticate_api_key(plain) is None
    assert api_keys.authenticate_bearer_token(token) is None
    assert not api_keys.revoke_api_key(alice)


def test_bearer_token_reusable_until_key_replaced(alice):
    _plain, row = api_keys.create_api_key(alice)
    token, _ = api_keys.mint_bearer_token(row)
    for _ in range(3):
        assert api_keys.authenticate_bearer_token(token) is not None
    api_keys.create_api_key(alice)
    assert api_keys.authenticate_bearer_token(token) is None


def test_bearer_token_expires(alice, settings):
    _plain, row = api_keys.create_api_key(alice)
    token, _ = api_keys.mint_bearer_token(row)
    settings.BEARER_TOKEN_MAX_AGE = -1
    assert api_keys.authenticate_bearer_token(token) is None


def test_bearer_token_forged_or_mangled(alice):
    _plain, row = api_keys.create_api_key(alice)
    token, _ = api_keys.mint_bearer_token(row)
    assert api_keys.authenticate_bearer_token(token[:-2]) is None
    assert api_keys.authenticate_bearer_token(token[len("arb_"):]) is None
    forged = "arb_" + signing.dumps({"k": row.pk, "u": str(alice.pk)}, salt="some other purpose")
    assert api_keys.authenticate_bearer_token(forged) is None


@pytest.mark.parametrize("disable", [
    lambda user: ban_user(user, "spam"),
    lambda user: request_deletion(user),
    lambda user: type(user).objects.filter(pk=user.pk).update(is_active=False),
    lambda user: user.delete(),
])
def test_keys_and_tokens_die_with_the_account(alice, disable):
    plain, row = api_keys.create_api_key(alice)
    token, _ = api_keys.mint_bearer_token(row)
    disable(alice)
    assert api_keys.authenticate_api_key(plain) is None
    assert api_keys.authenticate_bearer_token(token) is None


def test_web_generate_shows_key_once(alice_client, alice):
    response = alice_client.post(reverse("accounts:api_key_create"))
    body = response.content.decode()
    plain = re.search(r'id="new-api-key">(ar_[^<]+)</code>', body).group(1)
    assert response["Cache-Control"] == "no-store"
    assert api_keys.authenticate_api_key(plain) is not None
    page = alice_client.get(reverse("accounts:profile") + "?section=apikey").content.decode()
    assert plain not in page
    assert ApiKey.objects.get(user=alice).masked in page
    event = AuditEvent.objects.get(tag=events.API_KEY_CREATE)
    assert plain not in str(event.payload)


def test_web_revoke(alice_client, alice):
    plain, _row = api_keys.create_api_key(alice)
    response = alice_client.post(reverse("accounts:api_key_revoke"))
    assert "The API key is revoked" in response.content.decode()
    assert api_keys.authenticate_api_key(plain) is None
    assert AuditEvent.objects.filter(tag=events.API_KEY_REVOKE, actor=alice).exists()


# --- The password login service the API reuses ------------------------------------------------

def test_login_with_password_plain(alice):
    assert login_with_password("alice@example.org", PASSWORD) == alice
    assert AuditEvent.objects.filter(tag=events.LOGIN, payload__channel="api").exists()


def test_login_with_password_errors(alice):
    with pytest.raises(InvalidCredentials):
        login_with_password("alice", "nope")
    with pytest.raises(InvalidCredentials):
        login_with_password("nobody", "nope")
    ban_user(make_user("bob"), "abuse")
    with pytest.raises(AccountBanned) as banned:
        login_with_password("bob", PASSWORD)
    assert banned.value.reason == "abuse"
    assert banned.value.code == "banned"


def test_login_with_password_two_factor(client, alice):
    from tests.accounts.conftest import sign_in

    sign_in(client, "alice")
    secret, codes = enable_two_factor(client, alice)
    with pytest.raises(TwoFactorRequired):
        login_with_password("alice", PASSWORD)
    with pytest.raises(InvalidTwoFactorCode):
        login_with_password("alice", PASSWORD, totp_code="000000")
    code = totp_code(secret, steps_ahead=1)
    assert login_with_password("alice", PASSWORD, totp_code=code) == alice
    with pytest.raises(InvalidTwoFactorCode):
        login_with_password("alice", PASSWORD, totp_code=code)
    assert login_with_password("alice", PASSWORD, recovery_code=codes[3]) == alice


def test_login_with_password_deletion_pending(alice):
    request_deletion(alice)
    with pytest.raises(DeletionPending):
        login_with_password("alice", PASSWORD)


def test_login_with_password_shares_web_throttle(client, alice, settings):
    from tests.accounts.conftest import sign_in

    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    sign_in(client, "alice", "wrong")
    with pytest.raises(InvalidCredentials):
        login_with_password("alice", "wrong")
    with pytest.raises(RateLimited) as limited:
        login_with_password("alice", PASSWORD)
    assert limited.value.retry_after > 0
    assert sign_in(client, "alice").status_code == 429
