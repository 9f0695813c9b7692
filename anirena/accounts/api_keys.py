"""Personal API keys and the short-lived bearer tokens minted from them.

A key reads ``ar_<key id>_<secret>``. The ``ar_`` prefix lets secret scanners spot a
leaked key. The 8-character key id finds the row and lets people recognise the key.
The secret is 32 random bytes, of which only the SHA-256 is stored. A user has at
most one active key; creating one revokes the previous one.

Bearer tokens are signed (``django.core.signing``) and carry the key's row id. They are
reusable until they expire, and each use checks that the key is still active and the
account still usable, so revoking or replacing the key, a ban, disabling the account
or a deletion request ends every token at once.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from anirena.accounts import events
from anirena.accounts.models import ApiKey
from anirena.moderation.audit import record

KEY_PREFIX = "ar_"
KEY_ID_LENGTH = 8
SECRET_BYTES = 32
TOKEN_PREFIX = "arb_"
TOKEN_SALT = "anirena.accounts.bearer_token"
# last_used_at is written at most this often, to spare a write per token use.
LAST_USED_RESOLUTION_SECONDS = 60


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split_key(plain_key: str) -> tuple[str, str] | None:
    if not plain_key or not plain_key.startswith(KEY_PREFIX):
        return None
    key_id, separator, secret = plain_key[len(KEY_PREFIX):].partition("_")
    if not separator or len(key_id) != KEY_ID_LENGTH or not secret:
        return None
    return key_id, secret


def _new_key_id() -> str:
    # Lowercase letters and digits without look-alikes (l, o, 0, 1), and never the "_" separator.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(KEY_ID_LENGTH))


def create_api_key(user, *, request=None) -> tuple[str, ApiKey]:
    """Create a new active key for `user`, revoking the previous one; return (plain key, row).

    The plain key exists only in the return value: show it once and forget it.
    """
    secret = secrets.token_urlsafe(SECRET_BYTES)
    for _attempt in range(5):
        key_id = _new_key_id()
        try:
            with transaction.atomic():
                replaced = ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
                api_key = ApiKey.objects.create(user=user, key_id=key_id, secret_hash=_hash_secret(secret))
            break
        except IntegrityError:
            # A key id collision (32^8 ids), or a concurrent creation for the same user: retry.
            continue
    else:
        raise RuntimeError("could not allocate a unique API key id")
    record(events.API_KEY_CREATE, request=request, actor=user, key_id=key_id, replaced=replaced)
    return f"{KEY_PREFIX}{key_id}_{secret}", api_key


def revoke_api_key(user, *, request=None) -> bool:
    """Revoke the user's active key at once; return False when there was none."""
    revoked = list(ApiKey.objects.filter(user=user, revoked_at__isnull=True).values_list("key_id", flat=True))
    ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        record(events.API_KEY_REVOKE, request=request, actor=user, key_id=revoked[0])
    return bool(revoked)


def active_api_key(user) -> ApiKey | None:
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).first()


def _touch(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def _usable_key(**lookup) -> ApiKey | None:
    api_key = ApiKey.objects.select_related("user").filter(revoked_at__isnull=True, **lookup).first()
    if api_key is None or not api_key.user.is_usable:
        return None
    return api_key


def authenticate_api_key(plain_key: str) -> ApiKey | None:
    """Return the active key that `plain_key` spells, with `.user` loaded, or None.

    None also when the account is banned, disabled or waiting for deletion.
    """
    parts = _split_key((plain_key or "").strip())
    if parts is None:
        return None
    key_id, secret = parts
    api_key = _usable_key(key_id=key_id)
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, _hash_secret(secret)):
        return None
    _touch(api_key)
    return api_key


def mint_bearer_token(api_key: ApiKey) -> tuple[str, int]:
    """Return a bearer token for `api_key` and its lifetime in seconds."""
    signed = signing.dumps({"k": api_key.pk, "u": str(api_key.user_id)}, salt=TOKEN_SALT, compress=True)
    return TOKEN_PREFIX + signed, settings.BEARER_TOKEN_MAX_AGE


def authenticate_bearer_token(token: str):
    """Return (user, api_key) for a valid, unexpired token whose key is still active, else None."""
    token = (token or "").strip()
    if not token.startswith(TOKEN_PREFIX):
        return None
    try:
        payload = signing.loads(token[len(TOKEN_PREFIX):], salt=TOKEN_SALT, max_age=settings.BEARER_TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(payload, dict):
        return None
    api_key = _usable_key(pk=payload.get("k"))
    if api_key is None or str(api_key.user_id) != payload.get("u"):
        return None
    _touch(api_key)
    return api_key.user, api_key


def unusable_key_owner(plain_key: str):
    """Return the account of the active key that `plain_key` spells when that account may not use it.

    "May not use it" means banned, disabled or waiting for deletion. Returns None for
    a wrong, revoked or usable key. The API calls it after `authenticate_api_key`
    failed, to return 403 (account state) instead of 401 (bad key).
    """
    parts = _split_key((plain_key or "").strip())
    if parts is None:
        return None
    key_id, secret = parts
    api_key = ApiKey.objects.select_related("user").filter(revoked_at__isnull=True, key_id=key_id).first()
    if api_key is None or api_key.user.is_usable:
        return None
    if not hmac.compare_digest(api_key.secret_hash, _hash_secret(secret)):
        return None
    return api_key.user


def unusable_token_owner(token: str):
    """Return the account of a valid, unexpired token whose key is active when that account may not use it.

    The counterpart of `unusable_key_owner` for bearer tokens.
    """
    token = (token or "").strip()
    if not token.startswith(TOKEN_PREFIX):
        return None
    try:
        payload = signing.loads(token[len(TOKEN_PREFIX):], salt=TOKEN_SALT, max_age=settings.BEARER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    api_key = ApiKey.objects.select_related("user").filter(revoked_at__isnull=True, pk=payload.get("k")).first()
    if api_key is None or api_key.user.is_usable or str(api_key.user_id) != payload.get("u"):
        return None
    return api_key.user
