"""API uploads: decode the JSON body into an UploadRequest and run it through the upload service.

The rules themselves (site tracker, banned patterns, duplicates, categories,
languages, group membership, anime entries) live in
`anirena.torrents.services.upload`, shared with the web form.
"""

import base64
import binascii
import re

from anirena.api import audit, limits
from anirena.api.errors import ApiError
from anirena.torrents.services.upload import UploadRequest, upload_torrent

_BASE64_ALPHABET = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")


def decode_torrent(text: str) -> bytes:
    """Decode the base64 `torrent` field; whitespace and missing padding are tolerated, as is the URL-safe alphabet."""
    compact = "".join(text.split())
    if not compact:
        raise ApiError(400, "invalid_base64", "torrent is empty; send the .torrent file's contents base64-encoded.",
                       field="torrent")
    if not _BASE64_ALPHABET.fullmatch(compact):
        raise ApiError(400, "invalid_base64", "torrent is not valid base64: it contains characters outside "
                                              "the base64 alphabet.", field="torrent")
    compact = compact.rstrip("=")
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "invalid_base64", "torrent is not valid base64: its length or padding is wrong.",
                       field="torrent") from None


def resolve_group_id(value) -> int | None:
    """Return the numeric id for `group_id` given as a number, a numeric string or a slug; None when absent.

    Membership is checked by the upload service, which rejects groups the user is not in with a 400.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int):
        return _checked_id(value)
    text = value.strip()
    if text.isascii() and text.isdigit():
        return _checked_id(int(text))
    from anirena.groups.models import Group

    group_id = Group.objects.filter(slug=text.lower()).values_list("pk", flat=True).first()
    if group_id is None:
        raise ApiError(400, "invalid_group", f"No group has the id or slug {text!r}; use the id or slug "
                                             "that GET /api/v1/groups returns.", field="group_id")
    return group_id


def _checked_id(number: int) -> int:
    # Group ids are 64-bit integers; larger numbers would overflow the database query.
    if not 0 < number < 2**63:
        raise ApiError(400, "invalid_group", f"No group has the id {number}; use the id or slug "
                                             "that GET /api/v1/groups returns.", field="group_id")
    return number


def build_request(payload) -> UploadRequest:
    return UploadRequest(
        data=decode_torrent(payload.torrent),
        category=payload.category,
        sub_category=payload.sub_category or None,
        name=payload.name or None,
        languages=list(payload.languages or []),
        group_id=resolve_group_id(payload.group_id),
        description=payload.description or "",
        comment=payload.comment if payload.comment else None,
        is_private=bool(payload.is_private),
        announce=payload.announce or None,
        trackers=payload.trackers or None,
        comments_enabled=True if payload.comments_enabled is None else payload.comments_enabled,
        anime_id=payload.anime_id or None,
    )


def upload(request, identity, payload) -> dict:
    """Validate and (unless `payload.test`) store an upload; return the response body.

    Raises ApiError, UploadRejected or DuplicateTorrent, which the API's exception
    handler turns into the error response and the audit entry.
    """
    dry_run = bool(payload.test)
    request.api_upload_test = dry_run
    limits.check_upload_allowed(identity)
    upload_request = build_request(payload)
    result = upload_torrent(identity.user, upload_request, dry_run=dry_run)
    if dry_run:
        meta = result.meta
        audit.record_upload(request, identity, torrent_id=None, name=result.title,
                            info_hash_v1=meta.info_hash_v1, info_hash_v2=meta.info_hash_v2, dry_run=True)
        return {"ok": True, "test": True, "name": result.title,
                "info_hash_v1": meta.info_hash_v1, "info_hash_v2": meta.info_hash_v2}
    limits.count_upload(identity)
    audit.record_upload(request, identity, torrent_id=result.pk, name=result.title,
                        info_hash_v1=result.info_hash_v1, info_hash_v2=result.info_hash_v2, dry_run=False)
    return {"ok": True, "id": str(result.pk), "name": result.title,
            "info_hash_v1": result.info_hash_v1, "info_hash_v2": result.info_hash_v2}
