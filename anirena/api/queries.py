"""Read-only API operations: torrent search and details, comments, anime search and groups.

Each function takes validated parameters, calls the service of the app that
owns the data and returns the documented response body.
"""

import math
import re
import uuid

from django.conf import settings
from django.utils.translation import gettext as _

from anirena.accounts.preferences import effective_preferences
from anirena.anime.services import search_anime
from anirena.api import presenters
from anirena.api.errors import ApiError
from anirena.comments.services import torrent_comments
from anirena.groups.services import get_public_group, public_groups
from anirena.search.params import InvalidSearchParams, SearchParams
from anirena.search.service import search_torrents
from anirena.torrents.models import Torrent, TorrentBlob

SEARCH_DEFAULT_PER_PAGE = 50

TORRENT_ID_PATTERN = (
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$"
)
_TORRENT_ID = re.compile(TORRENT_ID_PATTERN)
# Error codes of search parameters that name something unknown, the same codes as the upload returns.
_SEARCH_ERROR_CODES = {"category": "invalid_category", "sub_category": "invalid_sub_category",
                       "languages": "invalid_language"}


def total_pages(total: int, per_page: int) -> int:
    """Return the number of pages for `total` items: 0 when there are none."""
    return math.ceil(total / per_page)


def parse_torrent_id(text: str) -> uuid.UUID:
    if not _TORRENT_ID.fullmatch(text or ""):
        # Note: the guide documents this message for the 400 of the details route.
        raise ApiError(400, "invalid_id",
                       "The torrent id must be a 36-character dashed UUID or a 32-character bare hex string.",
                       field="id")
    return uuid.UUID(text)


def get_torrent(text: str, queryset=None) -> Torrent:
    torrent = (queryset if queryset is not None else Torrent.objects).filter(pk=parse_torrent_id(text)).first()
    if torrent is None:
        raise ApiError(404, "not_found", f"Torrent {text} not found.")
    return torrent


# --- Torrent search --------------------------------------------------------------------------

def may_show_adult(user) -> bool:
    return user.is_site_staff or bool(effective_preferences(user)["show_adult"])


def search(identity, payload) -> dict:
    """Run a torrent search with the home page's service; hide_adult defaults to true."""
    data = payload.model_dump(exclude_none=True)
    if data.get("hide_adult") is False and not may_show_adult(identity.user):
        raise ApiError(400, "adult_content_not_allowed",
                       "hide_adult=false needs a staff account or the profile setting Show adult content; "
                       "turn it on under Your Account > Settings.", field="hide_adult")
    data.setdefault("hide_adult", True)
    data.setdefault("sort", "date")
    data.setdefault("per_page", SEARCH_DEFAULT_PER_PAGE)
    try:
        params = SearchParams.from_data(data)
        page = search_torrents(params, identity.user)
    except InvalidSearchParams as error:
        raise _search_error(error) from None

    torrents = page.torrents
    pages = total_pages(page.total, page.per_page)
    if page.has_next:
        # The count stops at the search's count limit; a full page promises at least one more.
        pages = max(pages, page.page + 1)
    first = (page.page - 1) * page.per_page + 1 if torrents else 0
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": pages,
        "from": first,
        "to": first + len(torrents) - 1 if torrents else 0,
        "torrents": presenters.torrent_rows(torrents),
    }


def _search_error(error: InvalidSearchParams) -> ApiError:
    field, message = next(iter(error.errors.items()))
    code = _SEARCH_ERROR_CODES.get(field, "invalid_field")
    return ApiError(400, code, f"{field}: {message}", field=field,
                    extra={"errors": [{"field": name, "message": text} for name, text in error.errors.items()]})


# --- Details and comments --------------------------------------------------------------------

def torrent_detail(torrent_id: str) -> dict:
    queryset = Torrent.objects.select_related("category", "sub_category", "uploader", "group").prefetch_related(
        "languages")
    torrent = get_torrent(torrent_id, queryset)
    files = TorrentBlob.objects.filter(torrent=torrent).values_list("files", flat=True).first() or []
    return presenters.torrent_detail(torrent, files)


def comments(torrent_id: str, page: int) -> dict:
    torrent = get_torrent(torrent_id)
    if not torrent.comments_enabled:
        raise ApiError(403, "comments_disabled", _("The uploader turned comments off for this torrent."))
    per_page = settings.COMMENT_PER_PAGE
    thread = torrent_comments(torrent)
    total = thread.count()
    offset = (page - 1) * per_page
    rows = list(thread[offset:offset + per_page]) if offset < total else []
    return {
        "torrent_id": str(torrent.pk),
        "page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": total_pages(total, per_page),
        "comments": [presenters.comment_object(comment) for comment in rows],
    }


# --- Anime and groups -----------------------------------------------------------------------------

def anime_search(q: str, page: int, per_page: int) -> dict:
    matches = search_anime(q)
    total = matches.count()
    offset = (page - 1) * per_page
    rows = list(matches[offset:offset + per_page]) if offset < total else []
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages(total, per_page),
        "results": [presenters.anime_object(anime) for anime in rows],
    }


def group_list(q: str | None, page: int, per_page: int, sort: str, order: str) -> dict:
    groups = public_groups(q, sort=sort, order=order)
    total = groups.count()
    offset = (page - 1) * per_page
    rows = list(groups[offset:offset + per_page]) if offset < total else []
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages(total, per_page),
        "groups": [presenters.group_object(group) for group in rows],
    }


def group_detail(id_or_slug: str) -> dict:
    text = (id_or_slug or "").strip()
    if not text.isascii() or (text.isdigit() and int(text) >= 2**63):
        group = None  # slugs are ASCII, and ids stay within the 64-bit id column
    else:
        group = get_public_group(text)
    if group is None:
        raise ApiError(404, "not_found", f"Group {id_or_slug} not found, or it is not public.")
    return presenters.group_object(group)
