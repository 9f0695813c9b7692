"""Audit log entries of API uploads: every attempt by an authenticated key, dry runs included.

Attempts without a valid token (401) have no account to record and are left out, and so
are requests refused with 503 in maintenance mode, which are turned away before authentication.
"""

from anirena.moderation.audit import record

# Note: moderators filter the audit log on these tags.
UPLOAD_OK = "api:upload:ok"
UPLOAD_REJECTED = "api:upload:rejected"


def record_upload(request, identity, *, torrent_id, name: str, info_hash_v1, info_hash_v2, dry_run: bool) -> None:
    record(UPLOAD_OK, request=request, actor=identity.user, key_id=identity.api_key.key_id,
           torrent=str(torrent_id) if torrent_id else None, name=name, info_hash_v1=info_hash_v1,
           info_hash_v2=info_hash_v2, test=dry_run)


def record_upload_rejection(request, error) -> None:
    """Record a failed upload attempt once, when the request is one and its token named an account.

    That account is the token's, or for a 403 the banned or disabled account the token belongs to.
    """
    if not getattr(request, "api_upload_attempt", False) or getattr(request, "api_upload_recorded", False):
        return
    identity = getattr(request, "api_identity", None)
    actor = identity.user if identity is not None else getattr(request, "api_upload_actor", None)
    if actor is None:
        return
    request.api_upload_recorded = True
    record(UPLOAD_REJECTED, request=request, actor=actor,
           key_id=identity.api_key.key_id if identity is not None else None,
           code=error.code, status=error.status, field=error.field,
           test=getattr(request, "api_upload_test", None))
