"""Two-factor authentication: TOTP (RFC 6238) codes and one-time recovery codes.

TOTP codes are accepted one time step (30 s) early or late, for clock drift. Each time
step is accepted once: the last one used is stored on the user, so a code seen by
someone else cannot be replayed inside its window.

Recovery codes are 80 random bits shown once; only their SHA-256 is stored. A plain
hash suffices because the codes are random and long, unlike passwords.
"""

import base64
import hashlib
import hmac
import secrets

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anirena.accounts.models import RecoveryCode, User

TOTP_DIGITS = 6
TOTP_INTERVAL = 30
TOTP_VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10


def new_totp_secret() -> str:
    """Return a new base32 secret of 160 bits, the size RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def provisioning_uri(user: User, secret: str) -> str:
    return _totp(secret).provisioning_uri(name=user.username, issuer_name=settings.SITE_NAME)


def qr_code_svg(uri: str) -> str:
    """Return the otpauth URI as an inline SVG QR code, drawn on the server."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _clean_totp_code(code: str | None) -> str | None:
    code = (code or "").replace(" ", "").strip()
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    return code


def matching_time_step(secret: str, code: str | None) -> int | None:
    """Return the time step whose code equals `code` within the allowed drift, or None."""
    code = _clean_totp_code(code)
    if code is None or not secret:
        return None
    totp = _totp(secret)
    current = totp.timecode(timezone.now())
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_time_step(user: User, step: int) -> bool:
    # The conditional UPDATE makes the check and the claim one step, so two requests
    # racing with the same code cannot both succeed.
    claimed = User.objects.filter(pk=user.pk).filter(
        Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
    ).update(totp_last_step=step)
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


def verify_totp(user: User, code: str | None) -> bool:
    """Return True if `code` is a current TOTP code of `user` not used before, and mark it used."""
    step = matching_time_step(user.totp_secret, code)
    return step is not None and _claim_time_step(user, step)


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery_code(code: str | None) -> str:
    return (code or "").replace("-", "").replace(" ", "").strip().lower()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[index:index + 4] for index in range(0, 16, 4))


def replace_recovery_codes(user: User) -> list[str]:
    """Delete the user's recovery codes and return ten new ones, to be shown once."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_hash_recovery_code(_normalise_recovery_code(code))) for code in codes
        )
    return codes


def use_recovery_code(user: User, code: str | None) -> bool:
    """Return True if `code` is an unused recovery code of `user`, and mark it used."""
    normalised = _normalise_recovery_code(code)
    if len(normalised) != 16:
        return False
    wanted = _hash_recovery_code(normalised)
    for row in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if hmac.compare_digest(row.code_hash, wanted):
            # Conditional, so two requests racing with one code cannot both use it.
            return bool(RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()))
    return False


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def enable_two_factor(user: User, secret: str, code: str | None) -> list[str] | None:
    """Turn on 2FA with `secret` if `code` matches it; return the new recovery codes, else None."""
    step = matching_time_step(secret, code)
    if step is None:
        return None
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_last_step = step
        user.totp_enabled_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_last_step", "totp_enabled_at"])
        return replace_recovery_codes(user)


def disable_two_factor(user: User) -> None:
    with transaction.atomic():
        user.totp_secret = ""
        user.totp_last_step = None
        user.totp_enabled_at = None
        user.save(update_fields=["totp_secret", "totp_last_step", "totp_enabled_at"])
        RecoveryCode.objects.filter(user=user).delete()
