"""Bearer tokens for API clients: from an API key, or from a password sign-in in one request."""

from anirena.accounts.api_keys import active_api_key, create_api_key, mint_bearer_token
from anirena.accounts.login import login_with_password
from anirena.api.auth import Identity, remember, require_writable


def token_for(request, identity: Identity) -> dict:
    """Mint a token for the key that authenticated the request; the response echoes it in X-New-Token."""
    token, lifetime = mint_bearer_token(identity.api_key)
    identity.token = token
    return {"token": token, "token_type": "Bearer", "expires_in": lifetime}


def login(request, payload) -> dict:
    """Sign in with a password (and second factor) and return a bearer token.

    Tokens belong to an API key, so an account without one gets a key here. The
    key is returned only when `new_api_key` requested a new key. Raises
    RateLimited, a LoginError subclass, or SiteReadOnly when a key would have
    to be written in read-only mode.
    """
    user = login_with_password(payload.login, payload.password, totp_code=payload.totp_code or None,
                               recovery_code=payload.recovery_code or None, request=request)
    api_key = active_api_key(user)
    plain_key = None
    if payload.new_api_key or api_key is None:
        require_writable()
        plain_key, api_key = create_api_key(user, request=request)
    identity = remember(request, Identity(user, api_key))
    body = {"ok": True, **token_for(request, identity)}
    if payload.new_api_key:
        body["api_key"] = plain_key
    return body
