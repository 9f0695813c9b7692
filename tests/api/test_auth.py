import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from anirena.accounts import api_keys
from anirena.accounts.bans import ban_user
from anirena.accounts.deletion import request_deletion
from anirena.accounts.models import ApiKey, BlockedNetwork, User
from anirena.accounts.twofactor import new_totp_secret, replace_recovery_codes
from anirena.moderation.sitemode import Mode
from tests.api.conftest import PASSWORD, ApiClient, error_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
LOGIN_URL = "/api/v1/auth/login"
GROUPS_URL = "/api/v1/groups"


def key_header(key: str) -> dict:
    return {"Authorization": f"ApiKey {key}"}


# --- POST /api/v1/auth/token -----------------------------------------------------------------

def test_token_from_api_key(anonymous, alice_key, alice):
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert response["X-New-Token"] == body["token"]
    assert api_keys.authenticate_bearer_token(body["token"])[0] == alice


def test_token_request_without_content_type(alice_key):
    # The guide's Node and PHP samples post with no body and no JSON content type.
    response = Client().post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_scheme_is_case_insensitive(anonymous, alice_key):
    response = anonymous.post(TOKEN_URL, headers={"Authorization": f"apikey  {alice_key}"})
    assert response.status_code == 200


def test_token_without_key_is_401(anonymous):
    response = anonymous.post(TOKEN_URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "missing_api_key"
    assert response["WWW-Authenticate"].startswith("ApiKey ")


@pytest.mark.parametrize("header", ["ApiKey ar_abcdefgh_wrongsecret", "ApiKey ", "Bearer something", "ar_abc"])
def test_token_with_bad_key_is_401(anonymous, alice_key, header):
    response = anonymous.post(TOKEN_URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["code"] in ("invalid_api_key", "invalid_scheme")
    assert "WWW-Authenticate" in response


def test_token_with_revoked_key_is_401(anonymous, alice, alice_key):
    api_keys.revoke_api_key(alice)
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_api_key"


def test_token_for_banned_account_is_403(anonymous, alice, alice_key):
    ban_user(alice, "spam uploads")
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "banned"
    assert "spam uploads" in error["message"]


def test_token_for_disabled_account_is_403(anonymous, alice, alice_key):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 403
    assert error_of(response)["code"] == "disabled"


def test_token_from_blocked_ip_is_403(anonymous, alice_key):
    BlockedNetwork.objects.create(network="127.0.0.0/8", reason="test")
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 403
    assert error_of(response)["code"] == "ip_blocked"


def test_token_in_maintenance_is_503(anonymous, alice_key, site_mode):
    site_mode(Mode.MAINTENANCE, message="Back at noon.")
    response = anonymous.post(TOKEN_URL, headers=key_header(alice_key))
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "maintenance"
    assert "Back at noon." in error["message"]
    assert response["Retry-After"]


def test_token_works_in_read_only_mode(anonymous, alice_key, site_mode):
    site_mode(Mode.READ_ONLY)
    assert anonymous.post(TOKEN_URL, headers=key_header(alice_key)).status_code == 200


# --- Bearer tokens on other routes --------------------------------------------------------------

def test_bearer_token_reusable_and_echoed(api, alice_token):
    for _ in range(3):
        response = api.get(GROUPS_URL)
        assert response.status_code == 200
        assert response["X-New-Token"] == alice_token


def test_error_after_authentication_echoes_token(api, alice_token):
    response = api.get("/api/v1/torrent/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response["X-New-Token"] == alice_token


def test_missing_bearer_token_is_401(anonymous):
    response = anonymous.get(GROUPS_URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "missing_token"
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert "X-New-Token" not in response


def test_api_key_as_bearer_is_401(anonymous, alice_key):
    response = anonymous.get(GROUPS_URL, headers=key_header(alice_key))
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_scheme"


@pytest.mark.parametrize("token", ["arb_forged", "not-a-token", "arb_"])
def test_invalid_bearer_token_is_401(anonymous, token):
    response = anonymous.get(GROUPS_URL, token=token)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_bearer_token_is_401(api, settings):
    settings.BEARER_TOKEN_MAX_AGE = -1
    response = api.get(GROUPS_URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_token_stops_when_key_revoked(api, alice):
    assert api.get(GROUPS_URL).status_code == 200
    api_keys.revoke_api_key(alice)
    assert api.get(GROUPS_URL).status_code == 401


def test_token_stops_when_key_replaced(api, alice):
    api_keys.create_api_key(alice)
    response = api.get(GROUPS_URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_token_of_banned_account_is_403(api, alice):
    ban_user(alice, "fake releases")
    response = api.get(GROUPS_URL)
    assert response.status_code == 403
    assert error_of(response)["code"] == "banned"
    assert "X-New-Token" not in response


def test_token_of_disabled_account_is_403(api, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = api.get(GROUPS_URL)
    assert response.status_code == 403
    assert error_of(response)["code"] == "disabled"


def test_deletion_request_ends_tokens(api, alice):
    # Requesting deletion revokes the API key, so its tokens are unknown from then on.
    request_deletion(alice)
    response = api.get(GROUPS_URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_token_of_account_pending_deletion_is_403(api, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False, deletion_requested_at=timezone.now())
    response = api.get(GROUPS_URL)
    assert response.status_code == 403
    assert error_of(response)["code"] == "deletion_pending"


def test_token_of_deleted_account_is_401(api, alice):
    ApiKey.objects.filter(user=alice).delete()
    User.objects.filter(pk=alice.pk).delete()
    assert api.get(GROUPS_URL).status_code == 401


def test_session_cookie_does_not_authenticate(alice):
    client = Client()
    client.force_login(alice)
    response = client.get(GROUPS_URL)
    assert response.status_code == 401


def test_csrf_token_not_needed(alice, alice_token):
    # A browser session with CSRF checks on must not stand in the way of a bearer token.
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/v1/torrents/search", data="{}", content_type="application/json",
                           headers={"Authorization": f"Bearer {alice_token}"})
    assert response.status_code == 200


# --- POST /api/v1/auth/login -------------------------------------------------------------------

def test_login_returns_token(anonymous, alice, alice_key):
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ok", "token", "token_type", "expires_in"}
    assert body["ok"] is True
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert response["X-New-Token"] == body["token"]
    assert api_keys.authenticate_bearer_token(body["token"])[0] == alice
    # The existing key keeps working when no new key was asked for.
    assert api_keys.authenticate_api_key(alice_key) is not None


def test_login_by_email_any_case(anonymous, alice):
    response = anonymous.post(LOGIN_URL, {"login": "ALICE@example.org", "password": PASSWORD})
    assert response.status_code == 200


def test_login_with_new_api_key_replaces_old(anonymous, alice, alice_key):
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "new_api_key": True})
    assert response.status_code == 200
    new_key = response.json()["api_key"]
    assert new_key != alice_key
    assert api_keys.authenticate_api_key(alice_key) is None
    assert api_keys.authenticate_api_key(new_key).user == alice
    minted = anonymous.post(TOKEN_URL, headers=key_header(new_key))
    assert minted.status_code == 200


def test_login_without_any_key_creates_one(anonymous, alice):
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "new_api_key": False})
    assert response.status_code == 200
    assert "api_key" not in response.json()
    assert ApiKey.objects.filter(user=alice, revoked_at__isnull=True).count() == 1
    assert ApiClient(response.json()["token"]).get(GROUPS_URL).status_code == 200


def test_login_wrong_password_is_401(anonymous, alice):
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": "wrong password here"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"
    assert "WWW-Authenticate" in response


def test_login_unknown_user_is_401(anonymous, db):
    response = anonymous.post(LOGIN_URL, {"login": "nobody", "password": "whatever it is"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_login_missing_password_is_400(anonymous, alice):
    response = anonymous.post(LOGIN_URL, {"login": "alice"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "missing_field"
    assert error["field"] == "password"
    assert error["message"].startswith("Invalid request body or missing required field")


def enable_two_factor(user) -> tuple[str, list[str]]:
    user.totp_secret = new_totp_secret()
    user.totp_enabled_at = timezone.now()
    user.save(update_fields=["totp_secret", "totp_enabled_at"])
    return user.totp_secret, replace_recovery_codes(user)


def test_login_two_factor_required(anonymous, alice):
    enable_two_factor(alice)
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert response.status_code == 401
    assert error_of(response)["code"] == "two_factor_required"


def test_login_with_totp_code(anonymous, alice):
    secret, _codes = enable_two_factor(alice)
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD,
                                          "totp_code": pyotp.TOTP(secret).now(), "recovery_code": ""})
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_login_with_recovery_code(anonymous, alice):
    _secret, codes = enable_two_factor(alice)
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "recovery_code": codes[0]})
    assert response.status_code == 200


def test_login_wrong_totp_code_is_401(anonymous, alice):
    secret, _codes = enable_two_factor(alice)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "totp_code": wrong})
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_two_factor_code"


def test_login_throttled_is_429(anonymous, alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        assert anonymous.post(LOGIN_URL, {"login": "alice", "password": "wrong password 1"}).status_code == 401
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_login_banned_is_403(anonymous, alice):
    ban_user(alice, "abuse")
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert error_of(response)["code"] == "banned"


def test_login_not_activated_is_403(anonymous, db):
    make_user("newcomer", password=PASSWORD, active=False)
    response = anonymous.post(LOGIN_URL, {"login": "newcomer", "password": PASSWORD})
    assert response.status_code == 403
    assert error_of(response)["code"] == "not_activated"


def test_login_from_blocked_ip_is_403(anonymous, alice):
    BlockedNetwork.objects.create(network="127.0.0.1", reason="test")
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert error_of(response)["code"] == "ip_blocked"


def test_login_new_key_in_read_only_is_503(anonymous, alice, alice_key, site_mode):
    site_mode(Mode.READ_ONLY)
    response = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "new_api_key": True})
    assert response.status_code == 503
    assert error_of(response)["code"] == "read_only"
    assert api_keys.authenticate_api_key(alice_key) is not None
    plain = anonymous.post(LOGIN_URL, {"login": "alice", "password": PASSWORD})
    assert plain.status_code == 200
