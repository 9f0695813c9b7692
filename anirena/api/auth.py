"""Authentication of API requests: API keys for minting tokens, bearer tokens for everything else.

Only the Authorization header authenticates. Session cookies never do: the API
view wrapper replaces `request.user` with an anonymous user before these
classes run, and with the token's account after they succeed.
"""

from dataclasses import dataclass

from ninja.security import APIKeyHeader, HttpBearer

from anirena.accounts import login as login_errors
from anirena.accounts.api_keys import (
    authenticate_api_key,
    authenticate_bearer_token,
    unusable_key_owner,
    unusable_token_owner,
)
from anirena.accounts.ipblock import is_ip_blocked
from anirena.api.errors import ApiError, unauthorized
from anirena.moderation.audit import client_ip
from anirena.moderation.sitemode import Mode, SiteReadOnly, current_mode, site_settings


@dataclass
class Identity:
    """The account behind an API request, the key it used and the bearer token echoed in X-New-Token."""

    user: object
    api_key: object
    token: str | None = None


def _split_header(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "").strip()
    scheme, _, credentials = header.partition(" ")
    return scheme.lower(), credentials.strip()


def account_forbidden(user) -> ApiError:
    """Build the 403 for an account that exists but may not use the API."""
    if user.is_banned:
        error = login_errors.AccountBanned(user.ban_reason)
    elif user.deletion_requested_at is not None:
        error = login_errors.DeletionPending(user)
    else:
        error = login_errors.AccountDisabled()
    return ApiError(403, error.code, str(error.message))


def reject_blocked_ip(request) -> None:
    """Raise a 403 when the client's IP is on the block list (sign-in, token minting and writes)."""
    if is_ip_blocked(client_ip(request)):
        # Note: clients match on the code ip_blocked.
        raise ApiError(403, "ip_blocked", "This is not possible from your network. "
                                          "Contact the site staff if you think this is a mistake.")


def require_writable() -> None:
    """Raise SiteReadOnly (503) unless the site accepts writes.

    This covers read-only mode. Maintenance mode is handled earlier, for every API request.
    """
    if current_mode() != Mode.NORMAL:
        raise SiteReadOnly(site_settings().message)


def remember(request, identity: Identity) -> Identity:
    request.api_identity = identity
    request.user = identity.user
    return identity


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>``. `writes` adds the read-only mode and IP block checks."""

    def __init__(self, *, writes: bool = False, upload: bool = False):
        super().__init__()
        self.writes = writes
        self.upload = upload

    def __call__(self, request):
        scheme, credentials = _split_header(request)
        if not scheme:
            return None  # django-ninja raises AuthenticationError: 401 missing_token
        if scheme != "bearer" or not credentials:
            raise unauthorized(
                "invalid_scheme",
                "Send the token as Authorization: Bearer <token>. API keys are only accepted by "
                "POST /api/v1/auth/token (Authorization: ApiKey <key>).",
            )
        return self.authenticate(request, credentials)

    def authenticate(self, request, token: str):
        if self.upload:
            request.api_upload_attempt = True
        result = authenticate_bearer_token(token)
        if result is None:
            owner = unusable_token_owner(token)
            if owner is not None:
                request.api_upload_actor = owner
                raise account_forbidden(owner)
            raise unauthorized(
                "invalid_token",
                "The bearer token is invalid or expired, or its API key was revoked or replaced. "
                "Get a new token from POST /api/v1/auth/token.",
                token_error="invalid_token",
            )
        user, api_key = result
        identity = remember(request, Identity(user, api_key, token))
        if self.writes:
            require_writable()
            reject_blocked_ip(request)
        return identity


class ApiKeyAuth(APIKeyHeader):
    """``Authorization: ApiKey <key>``, accepted only by the token endpoint."""

    param_name = "Authorization"

    def __call__(self, request):
        scheme, credentials = _split_header(request)
        if not scheme:
            raise unauthorized("missing_api_key", "Missing API key. Send Authorization: ApiKey <your-api-key>.",
                               scheme="ApiKey")
        if scheme != "apikey" or not credentials:
            raise unauthorized("invalid_scheme", "Send the API key as Authorization: ApiKey <your-api-key>.",
                               scheme="ApiKey")
        return self.authenticate(request, credentials)

    def authenticate(self, request, key):
        api_key = authenticate_api_key(key)
        if api_key is None:
            owner = unusable_key_owner(key)
            if owner is not None:
                raise account_forbidden(owner)
            raise unauthorized("invalid_api_key", "The API key is invalid, or it was revoked or replaced. "
                               "Generate a new one under Your Account > API Key.", scheme="ApiKey")
        reject_blocked_ip(request)
        return remember(request, Identity(api_key.user, api_key))
