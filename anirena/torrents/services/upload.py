"""Upload a torrent: the one place where the rules for new torrents live.

The web form, the JSON API and the import command all call `upload_torrent`.
Everything is validated before anything is written, and the write itself is
one transaction, so a rejected upload stores nothing.
"""

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anirena.metainfo import Metainfo, MetainfoError, parse_torrent, rewrite_torrent, set_private
from anirena.moderation.models import BannedPattern
from anirena.torrents import trackers
from anirena.torrents.models import Category, Language, SubCategory, Torrent, TorrentBlob

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 512


class UploadRejected(Exception):
    """An upload broke a rule. `field` names the form or API field; `status` is the HTTP status the API uses."""

    status = 422

    def __init__(self, message: str, *, field: str = "torrent", code: str = "invalid", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        if status is not None:
            self.status = status


class DuplicateTorrent(UploadRejected):
    status = 409

    def __init__(self, existing: Torrent):
        super().__init__(
            _("This torrent is already on the site as “%(title)s”.") % {"title": existing.title},
            field="torrent",
            code="duplicate",
        )
        self.existing = existing


@dataclass
class UploadRequest:
    data: bytes
    category: str
    sub_category: str | None = None
    name: str | None = None
    languages: list[str] = field(default_factory=list)
    group_id: int | None = None
    description: str = ""
    comment: str | None = None
    is_private: bool = False
    announce: str | None = None
    trackers: str | None = None
    comments_enabled: bool = True
    legacy_id: int | None = None
    anime_id: str | None = None


@dataclass
class PreparedUpload:
    """Everything needed to store an upload, computed without writing anything."""

    meta: Metainfo
    metainfo: bytes
    title: str
    category: Category
    sub_category: SubCategory | None
    languages: list[Language]
    group: object | None
    description: str
    comments_enabled: bool
    legacy_id: int | None
    added_site_tracker: bool = False
    anime: object | None = None


def upload_torrent(user, request: UploadRequest, *, dry_run: bool = False,
                   add_missing_site_tracker: bool = False) -> PreparedUpload | Torrent:
    """Validate an upload and store it, or with `dry_run` only validate it.

    `add_missing_site_tracker` is for operators importing an existing
    collection: a torrent without the site's tracker gets it added instead of
    being rejected.
    """
    prepared = prepare_upload(user, request, add_missing_site_tracker=add_missing_site_tracker)
    if dry_run:
        return prepared
    return store_upload(user, prepared)


def prepare_upload(user, request: UploadRequest, *, add_missing_site_tracker: bool = False) -> PreparedUpload:
    if not user.can_upload:
        raise UploadRejected(_("Your account cannot upload torrents right now."), field="__all__",
                             code="forbidden", status=403)
    if len(request.data) > settings.MAX_TORRENT_SIZE:
        raise UploadRejected(
            _("The .torrent file is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": len(request.data), "limit": settings.MAX_TORRENT_SIZE},
            code="too_large",
        )

    meta, data, added = _read_metainfo(request, add_missing_site_tracker)
    category, sub_category = _resolve_category(request.category, request.sub_category)
    languages = _resolve_languages(request.languages)
    group = _resolve_group(user, request.group_id)
    anime = _resolve_anime(request.anime_id)

    title = (request.name or "").strip() or meta.name.strip()
    if not title:
        raise UploadRejected(_("The torrent has no name; enter one in the Name field."), field="name")
    if len(title) > TITLE_MAX_LENGTH:
        raise UploadRejected(
            _("The name is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(title), "limit": TITLE_MAX_LENGTH},
            field="name",
        )
    description = request.description or ""
    if len(description) > settings.DESCRIPTION_MAX_LENGTH:
        raise UploadRejected(
            _("The description is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(description), "limit": settings.DESCRIPTION_MAX_LENGTH},
            field="description",
            status=400,
        )

    check_banned_patterns(title, [entry.path for entry in meta.files], description)
    _reject_duplicate(meta)
    return PreparedUpload(
        meta=meta,
        metainfo=data,
        title=title,
        category=category,
        sub_category=sub_category,
        languages=languages,
        group=group,
        description=description,
        comments_enabled=request.comments_enabled,
        legacy_id=request.legacy_id,
        added_site_tracker=added,
        anime=anime,
    )


def _read_metainfo(request: UploadRequest, add_missing_site_tracker: bool) -> tuple[Metainfo, bytes, bool]:
    """Parse the file, apply the uploader's overrides and check that the site's tracker is present."""
    try:
        meta = parse_torrent(request.data, max_size=settings.MAX_TORRENT_SIZE)
    except MetainfoError as error:
        raise UploadRejected(_("This .torrent file cannot be accepted. %(reason)s") % {"reason": error}, code="invalid_torrent") from None

    data = request.data
    if request.is_private and not meta.private:
        # The private flag lives in the info dictionary, so the info hashes change here.
        data = set_private(data, True)

    announce = (request.announce or "").strip() or None
    if announce is not None and not trackers.is_valid_tracker_url(announce):
        raise UploadRejected(
            _("The announce URL %(url)s is invalid; use an http, https or udp tracker URL.") % {"url": announce},
            field="announce", status=400,
        )
    extra_tiers = trackers.parse_tracker_text(request.trackers or "")
    for tier in extra_tiers:
        for url in tier:
            if not trackers.is_valid_tracker_url(url):
                raise UploadRejected(
                    _("The tracker URL %(url)s is invalid; use http, https or udp tracker URLs.") % {"url": url},
                    field="trackers", status=400,
                )

    tiers = [list(tier) for tier in meta.trackers]
    if announce is not None:
        tiers = [[announce]] + [[url for url in tier if url != announce] for tier in tiers]
        tiers = [tier for tier in tiers if tier]
    tiers += extra_tiers

    added = False
    first_tier: list[str] = []
    if not trackers.has_site_tracker(tiers):
        if not add_missing_site_tracker:
            raise UploadRejected(
                _("The torrent does not list this site's tracker. Add %(url)s to its announce list "
                  "(any tier) and upload it again.") % {"url": settings.ANNOUNCE_URLS[0]},
                code="missing_site_tracker",
            )
        first_tier = trackers.site_announce_urls()
        added = True

    comment = request.comment if request.comment is not None and request.comment.strip() != "" else None
    if announce is not None or extra_tiers or first_tier or comment is not None or data is not request.data:
        data = rewrite_torrent(
            data,
            first_tier=first_tier,
            announce=announce,
            comment=comment,
            extra_tiers=tiers if (announce is not None or extra_tiers) else None,
        )
        meta = parse_torrent(data, max_size=settings.MAX_TORRENT_SIZE + 64 * 1024)
    return meta, data, added


def _resolve_category(slug: str, sub_slug: str | None) -> tuple[Category, SubCategory | None]:
    category = Category.objects.filter(slug=(slug or "").strip().lower()).first()
    if category is None:
        valid = ", ".join(Category.objects.values_list("slug", flat=True))
        raise UploadRejected(
            _("Unknown category %(slug)r; use one of: %(valid)s.") % {"slug": slug, "valid": valid},
            field="category", code="invalid_category", status=400,
        )
    if not sub_slug:
        return category, None
    sub_category = SubCategory.objects.filter(category=category, slug=sub_slug.strip().lower()).first()
    if sub_category is None:
        valid = ", ".join(category.sub_categories.values_list("slug", flat=True))
        raise UploadRejected(
            _("Sub-category %(sub)r does not belong to %(category)s; use one of: %(valid)s.")
            % {"sub": sub_slug, "category": category.slug, "valid": valid},
            field="sub_category", code="invalid_sub_category", status=400,
        )
    return category, sub_category


def _resolve_languages(codes: list[str]) -> list[Language]:
    wanted = list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))
    if not wanted:
        return []
    by_lower = {language.code.lower(): language for language in Language.objects.all()}
    unknown = [code for code in wanted if code.lower() not in by_lower]
    if unknown:
        raise UploadRejected(
            _("Unknown language code(s): %(codes)s. Use BCP 47 codes from the site's list, such as en or ja.")
            % {"codes": ", ".join(unknown)},
            field="languages", code="invalid_language", status=400,
        )
    return [by_lower[code.lower()] for code in wanted]


def _resolve_group(user, group_id):
    if group_id in (None, ""):
        return None
    from anirena.groups.models import Group

    group = Group.objects.filter(pk=group_id, memberships__user=user).first()
    if group is None or not group.enabled:
        raise UploadRejected(
            _("You are not a member of group %(group)s, so you cannot upload for it.") % {"group": group_id},
            field="group_id", code="invalid_group", status=400,
        )
    return group


def _resolve_anime(anime_id):
    if anime_id in (None, ""):
        return None
    from anirena.anime.services import get_anime

    anime = get_anime(anime_id)
    if anime is None:
        raise UploadRejected(
            _("No anime entry has the id %(id)s; find the id with the anime search.") % {"id": anime_id},
            field="anime_id", code="invalid_anime", status=400,
        )
    return anime


def check_banned_patterns(title: str, file_names: list[str], description: str) -> None:
    """Raise UploadRejected when enabled banned patterns match the name, a file name or the description."""
    targets = {
        BannedPattern.Target.NAME: [title],
        BannedPattern.Target.FILES: file_names,
        BannedPattern.Target.DESCRIPTION: [description],
    }
    for pattern in BannedPattern.objects.filter(enabled=True):
        kinds = list(targets) if pattern.target == BannedPattern.Target.ANY else [pattern.target]
        for kind in kinds:
            if any(_matches(pattern, text) for text in targets[kind]):
                raise UploadRejected(
                    _("The %(where)s contains banned content: %(reason)s")
                    % {"where": BannedPattern.Target(kind).label.lower(), "reason": pattern.reason},
                    field="description" if kind == BannedPattern.Target.DESCRIPTION else "torrent",
                    code="banned_content",
                )


def _matches(pattern: BannedPattern, text: str) -> bool:
    if not text:
        return False
    if pattern.kind == BannedPattern.Kind.REGEX:
        try:
            return re.search(pattern.pattern, text, re.IGNORECASE) is not None
        except re.error:
            logger.warning("banned pattern %s is not a valid regular expression; skipped", pattern.pk)
            return False
    return pattern.pattern.casefold() in text.casefold()


def _reject_duplicate(meta: Metainfo) -> None:
    condition = Q()
    if meta.info_hash_v1:
        condition |= Q(info_hash_v1=meta.info_hash_v1)
    if meta.info_hash_v2:
        condition |= Q(info_hash_v2=meta.info_hash_v2)
    existing = Torrent.objects.filter(condition).first()
    if existing is not None:
        raise DuplicateTorrent(existing)


def store_upload(user, prepared: PreparedUpload) -> Torrent:
    meta = prepared.meta
    try:
        with transaction.atomic():
            torrent = Torrent.objects.create(
                legacy_id=prepared.legacy_id,
                title=prepared.title,
                info_hash_v1=meta.info_hash_v1,
                info_hash_v2=meta.info_hash_v2,
                version=meta.version,
                size=meta.total_size,
                file_count=len(meta.files),
                piece_length=meta.piece_length,
                tracker_tiers=[list(tier) for tier in meta.trackers],
                description=prepared.description,
                comment=meta.comment or "",
                created_by=(meta.created_by or "")[:255],
                torrent_created_at=meta.creation_date,
                is_private=meta.private,
                category=prepared.category,
                sub_category=prepared.sub_category,
                uploader=user,
                group=prepared.group,
                anime=prepared.anime,
                comments_enabled=prepared.comments_enabled,
                uploaded_at=timezone.now(),
            )
            TorrentBlob.objects.create(
                torrent=torrent,
                metainfo=prepared.metainfo,
                files=[[display_path(meta, entry), entry.size] for entry in meta.files],
            )
            if prepared.languages:
                torrent.languages.set(prepared.languages)
            for hook in _AFTER_STORE_HOOKS:
                hook(torrent, prepared)
    except IntegrityError:
        # Another upload of the same torrent won the race between the check and the insert.
        _reject_duplicate(meta)
        raise
    logger.info("torrent %s uploaded by %s (%s)", torrent.pk, user.username, meta.info_hash_v1 or meta.info_hash_v2)
    return torrent


def display_path(meta: Metainfo, entry) -> str:
    """Return a file's path as clients save it: inside the torrent's folder for multi-file torrents."""
    return f"{meta.name}/{entry.path}" if meta.multi_file else entry.path


# Callables run inside the upload transaction (search index, tracker registry), registered by other apps.
_AFTER_STORE_HOOKS: list = []


def register_after_store(hook) -> None:
    if hook not in _AFTER_STORE_HOOKS:
        _AFTER_STORE_HOOKS.append(hook)
