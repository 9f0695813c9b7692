"""The API's operations. Each one authenticates, applies its rate limit and calls a service function."""

from typing import Annotated, Literal

from ninja import Path, Query
from pydantic import WithJsonSchema

from anirena.api import anime_links, limits, queries, sign_in, uploads
from anirena.api.api import api
from anirena.api.auth import ApiKeyAuth, BearerAuth
from anirena.api.queries import TORRENT_ID_PATTERN
from anirena.api.schemas import (
    MAX_PAGE,
    AnimeLinkIn,
    AnimeLinkOut,
    AnimeSearchOut,
    CommentsOut,
    ErrorOut,
    GroupListOut,
    GroupOut,
    LoginIn,
    LoginOut,
    SearchIn,
    SearchOut,
    TokenOut,
    TorrentDetail,
    UploadIn,
    UploadOut,
)


def _errors(*statuses: int) -> dict:
    return {status: ErrorOut for status in statuses}


# The pattern is only published, because the view checks the id itself to return the guide's message.
TorrentId = Annotated[str, WithJsonSchema({"type": "string", "pattern": TORRENT_ID_PATTERN,
                                           "description": "Dashed UUID or 32 hex digits."})]


# --- Authentication --------------------------------------------------------------------------

@api.post("/v1/auth/token", auth=ApiKeyAuth(), tags=["auth"], summary="Exchange an API key for a bearer token",
          response={200: TokenOut, **_errors(401, 403, 503)})
def auth_token(request):
    """Mint a bearer token from the API key in `Authorization: ApiKey <key>`. No body is needed.

    The token is valid for 3600 seconds.
    """
    return sign_in.token_for(request, request.auth)


@api.post("/v1/auth/login", tags=["auth"], summary="Sign in with a password and get a bearer token",
          response={200: LoginOut, **_errors(400, 401, 403, 429, 503)}, exclude_unset=True)
def auth_login(request, payload: LoginIn):
    """Sign in with a username or email and password, plus totp_code or recovery_code when 2FA is on.

    new_api_key=true also returns a new permanent API key, shown only once, which replaces the previous key.
    Failed attempts are throttled like the web sign-in, with 429 and Retry-After.
    """
    return sign_in.login(request, payload)


# --- Torrents ------------------------------------------------------------------------------------

@api.post("/v1/torrents", auth=BearerAuth(writes=True, upload=True), tags=["torrents"], summary="Upload a torrent",
          response={200: UploadOut, **_errors(400, 401, 403, 409, 413, 422, 429, 503)}, exclude_unset=True)
def upload_torrent(request, payload: UploadIn):
    """Upload a base64-encoded .torrent under the web form's rules. test=true validates without storing.

    A 409 (duplicate) names the torrent already on the site in error.existing_id.
    """
    return uploads.upload(request, request.auth, payload)


@api.post("/v1/torrents/search", auth=BearerAuth(), tags=["torrents"], summary="Search torrents",
          response={200: SearchOut, **_errors(400, 401, 403, 429, 503)}, by_alias=True)
def search_torrents(request, payload: SearchIn | None = None):
    """Search with the home page's query language. Staff accounts are not rate-limited.

    Every field is optional, and an empty body lists the newest torrents.
    """
    limits.enforce_per_key(limits.search_limit(), request.auth)
    return queries.search(request.auth, payload or SearchIn())


@api.get("/v1/torrent/{id}", auth=BearerAuth(), tags=["torrents"], summary="Get a torrent's details",
         response={200: TorrentDetail, **_errors(400, 401, 403, 404, 429, 503)})
def torrent_detail(request, id: TorrentId = Path(...)):  # noqa: A002
    limits.enforce_per_key(limits.read_limit(), request.auth)
    return queries.torrent_detail(id)


@api.get("/v1/torrents/{id}/comments", auth=BearerAuth(), tags=["torrents"], summary="List a torrent's comments",
         response={200: CommentsOut, **_errors(400, 401, 403, 404, 429, 503)})
def torrent_comments(request, id: TorrentId = Path(...),  # noqa: A002
                     page: int = Query(1, ge=1, le=MAX_PAGE)):
    """List comments in thread order, COMMENT_PER_PAGE a page. Torrents with comments turned off return 403."""
    limits.enforce_per_key(limits.read_limit(), request.auth)
    return queries.comments(id, page)


@api.put("/torrents/{id}/anime", auth=BearerAuth(writes=True), tags=["torrents"],
         summary="Link a torrent to an anime entry", response={200: AnimeLinkOut, **_errors(400, 401, 403, 404, 503)})
def torrent_anime(request, payload: AnimeLinkIn, id: TorrentId = Path(...)):  # noqa: A002
    """Set the torrent's anime entry, or unlink it with null. Only its uploader and staff may."""
    return anime_links.set_torrent_anime(request, request.auth, id, payload.anime_id)


# --- Anime and groups ------------------------------------------------------------------------------

@api.get("/v1/anime/search", auth=None, tags=["anime"], summary="Search anime entries by title",
         response={200: AnimeSearchOut, **_errors(400, 429, 503)})
def anime_search(request, q: str = Query(..., min_length=1, max_length=200),
                 page: int = Query(1, ge=1, le=MAX_PAGE), per_page: int = Query(10, ge=1, le=50)):
    """Search anime entries by title or synonym. No authentication, and rate-limited per client IP."""
    limits.enforce_per_ip(limits.anime_search_limit(), request)
    return queries.anime_search(q, page, per_page)


@api.get("/v1/groups", auth=BearerAuth(), tags=["groups"], summary="List public groups",
         response={200: GroupListOut, **_errors(400, 401, 403, 429, 503)})
def group_list(request, q: str | None = Query(None, max_length=100), page: int = Query(1, ge=1, le=MAX_PAGE),
               per_page: int = Query(20, ge=1, le=100),
               sort: Literal["name", "slug", "members", "torrents", "created"] = Query("name"),
               order: Literal["asc", "desc"] = Query("asc")):
    limits.enforce_per_key(limits.read_limit(), request.auth)
    return queries.group_list(q, page, per_page, sort, order)


@api.get("/v1/groups/{id_or_slug}", auth=BearerAuth(), tags=["groups"], summary="Get a public group",
         response={200: GroupOut, **_errors(401, 403, 404, 429, 503)})
def group_detail(request, id_or_slug: str):
    """Return one public group. Groups that do not exist, are disabled or are locked return 404."""
    limits.enforce_per_key(limits.read_limit(), request.auth)
    return queries.group_detail(id_or_slug)
