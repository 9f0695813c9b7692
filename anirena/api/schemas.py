"""Request and response bodies of the API, as published in its OpenAPI schema.

Request bodies ignore fields they do not define, so clients written for a
later version keep working. Optional fields also accept null, read as absent.
"""

from typing import Literal

from ninja import Field, Schema
from pydantic import StrictInt

from anirena.search.params import MAX_LANGUAGES, MAX_PER_PAGE, MAX_QUERY_LENGTH
from anirena.torrents.services.upload import TITLE_MAX_LENGTH

# Page numbers stop here, which keeps row offsets within 64-bit integers on every database.
MAX_PAGE = 1_000_000
DESCRIPTION_MAX_LENGTH = 65535


# --- Errors -----------------------------------------------------------------------------

class ErrorDetail(Schema):
    status: int
    code: str = Field(description="Stable, machine-readable reason, such as invalid_field or duplicate.")
    field: str | None = Field(description="The request field at fault, or null.")
    message: str
    existing_id: str | None = Field(None, description="Only for code duplicate: id of the torrent already on the site.")
    errors: list[dict] | None = Field(None, description="Only for 400 validation errors: every field at fault.")


class ErrorOut(Schema):
    ok: bool = Field(False)
    detail: str = Field(description="Same as error.message.")
    code: str = Field(description="Same as error.code.")
    error: ErrorDetail


# --- Authentication ------------------------------------------------------------------------

class TokenOut(Schema):
    token: str
    token_type: str = Field("Bearer")
    expires_in: int = Field(description="Seconds the token stays valid.")


class LoginIn(Schema):
    login: str = Field(max_length=254, description="Username or email address.")
    password: str = Field(max_length=4096)
    totp_code: str | None = Field(None, max_length=64, description="Current authenticator code when 2FA is on.")
    recovery_code: str | None = Field(None, max_length=64, description="A recovery code, instead of totp_code.")
    new_api_key: bool | None = Field(None, description="true also mints a new permanent API key, "
                                                       "which replaces the previous one.")


class LoginOut(Schema):
    ok: bool = True
    token: str
    token_type: str = "Bearer"
    expires_in: int
    api_key: str | None = Field(None, description="Only present when new_api_key was true; shown once.")


# --- Upload ----------------------------------------------------------------------------------

class UploadIn(Schema):
    torrent: str = Field(description="Base64-encoded contents of the .torrent file.")
    category: str = Field(max_length=64, description="Category slug, such as anime.")
    name: str | None = Field(None, max_length=TITLE_MAX_LENGTH, description="Overrides the display name.")
    sub_category: str | None = Field(None, max_length=64, description="Sub-category slug of the category.")
    languages: list[str] | None = Field(None, max_length=MAX_LANGUAGES, description="BCP 47 codes, such as ja.")
    group_id: StrictInt | str | None = Field(
        None, description="A group you are a member of: its numeric id (a number or a numeric string, "
                          "as GET /api/v1/groups returns it) or its slug.")
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH, description="Markdown.")
    comment: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH,
                                description="Overrides the comment inside the .torrent.")
    is_private: bool | None = Field(None, description="Sets the private flag; this changes the info hash.")
    comments_enabled: bool | None = Field(None, description="Defaults to true.")
    anime_id: str | None = Field(None, max_length=64, description="UUID of an anime entry, from /api/v1/anime/search.")
    announce: str | None = Field(None, max_length=2048, description="Overrides or adds the primary announce URL.")
    trackers: str | None = Field(None, max_length=65535,
                                 description="Extra tracker URLs, one a line; a blank line starts a new tier.")
    test: bool | None = Field(None, description="true validates everything and stores nothing.")


class UploadOut(Schema):
    ok: bool = True
    test: bool | None = Field(None, description="Present (true) only for dry runs.")
    id: str | None = Field(None, description="The new torrent's UUID; absent for dry runs.")
    name: str
    info_hash_v1: str | None
    info_hash_v2: str | None


# --- Search and details ----------------------------------------------------------------------------

SortName = Literal["date", "size", "seeders", "leechers", "completed", "title"]


class SearchIn(Schema):
    q: str | None = Field(None, max_length=MAX_QUERY_LENGTH,
                          description='Words, "phrases", -exclusions and the operators user:name, '
                                      'group:slug and group:"Name".')
    category: str | None = Field(None, max_length=64)
    sub_category: str | None = Field(None, max_length=64, description="Needs category.")
    languages: list[str] | None = Field(None, max_length=MAX_LANGUAGES)
    sort: SortName | None = Field(None, description="Defaults to date.")
    order: Literal["asc", "desc"] | None = Field(None, description="Defaults to desc.")
    page: int | None = Field(None, ge=1, le=MAX_PAGE, description="Defaults to 1.")
    per_page: int | None = Field(None, ge=1, le=MAX_PER_PAGE, description="Defaults to 50.")
    hide_adult: bool | None = Field(None, description="Defaults to true; false needs a staff account or the "
                                                      "profile setting Show adult content.")
    show_dead: bool | None = Field(None, description="Defaults to false.")


class TorrentRow(Schema):
    id: str
    title: str
    info_hash_v1: str | None
    info_hash_v2: str | None
    size_fmt: str
    completed: int
    seeders: int
    leechers: int
    languages: list[str]
    comment_count: int
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM.")
    cat_slug: str
    sub_slug: str | None
    group_name: str | None
    uploader: str | None
    magnet: str


class SearchOut(Schema):
    total: int
    page: int
    per_page: int
    total_pages: int
    from_: int = Field(alias="from")
    to: int
    torrents: list[TorrentRow]


class LanguageOut(Schema):
    code: str
    name: str
    country_code: str


class TrackerTier(Schema):
    tier: int
    urls: list[str]


class FileOut(Schema):
    path: str
    size: int


class TorrentDetail(Schema):
    id: str
    title: str
    info_hash_v1: str | None
    info_hash_v2: str | None
    size_fmt: str
    completed: int
    seeders: int
    leechers: int
    ext_seeders: int
    ext_leechers: int
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM.")
    torrent_created: str | None = Field(description="Creation date inside the .torrent, UTC, or null.")
    created_by_client: str
    cat_name: str
    cat_slug: str
    sub_name: str | None
    sub_slug: str | None
    group_name: str | None
    group_slug: str | None
    uploader: str | None
    uploader_id: str | None
    description: str
    comment: str
    is_private: bool
    magnet: str
    languages: list[LanguageOut]
    tracker_tiers: list[TrackerTier]
    files: list[FileOut]
    comments_enabled: bool
    comments_locked: bool
    comment_count: int


# --- Comments ---------------------------------------------------------------------------------------

class CommentOut(Schema):
    id: str
    user_id: str | None
    username: str | None
    role: str | None
    author_banned: bool
    body: str
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS.")
    edited_at: str | None
    edited_by_username: str | None
    deleted_at: str | None


class CommentsOut(Schema):
    torrent_id: str
    page: int
    per_page: int
    total: int
    total_pages: int
    comments: list[CommentOut]


# --- Anime ------------------------------------------------------------------------------------------

class AnimeOut(Schema):
    id: str
    title: str
    anime_type: str
    episodes: int
    status: str
    season: str
    season_year: int | None
    picture: str
    thumbnail: str
    duration_secs: int | None


class AnimeSearchOut(Schema):
    total: int
    page: int
    per_page: int
    total_pages: int
    results: list[AnimeOut]


class AnimeLinkIn(Schema):
    anime_id: str | None = Field(max_length=64, description="UUID of the anime entry, or null to unlink.")


class AnimeLinkOut(Schema):
    ok: bool = True
    torrent_id: str
    anime_id: str | None


# --- Groups -----------------------------------------------------------------------------------------

class GroupOut(Schema):
    id: int
    name: str
    slug: str
    subdomain_slug: str | None
    description: str
    owner: str | None
    member_count: int
    torrent_count: int
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM.")


class GroupListOut(Schema):
    total: int
    page: int
    per_page: int
    total_pages: int
    groups: list[GroupOut]
