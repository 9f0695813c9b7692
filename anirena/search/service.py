"""Search and list torrents: the one implementation behind the home page, the RSS feed and the API.

A request runs at most four small queries. The first selects the ids of one
page, plus one row to know whether a next page exists. The second counts
matches up to COUNT_LIMIT, only when the caller asks for a total and the page
does not show it. The last two load the page's torrents with their uploader
and group, then their languages.
Categories and languages come from the per-process catalog.

* Without words to match, the page is read in the order of the chosen
  column through the composite indexes that the search migration adds.
* With words and no explicit sort, the newest RANK_WINDOW matches are ranked
  by `matching.relevance`; older matches follow, newest first.
* With words and sort=date, matches come in index order, which is upload
  order. Any other sort orders the newest SORT_WINDOW matches.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connections
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from anirena.search import conf
from anirena.search.backends import get_backend
from anirena.search.catalog import Catalog, get_catalog
from anirena.search.matching import TextQuery, relevance, text_query
from anirena.search.params import InvalidSearchParams, SearchParams
from anirena.search.query import Query, parse_query

SORT_COLUMNS = {
    "date": "uploaded_at",
    "name": "title",
    "size": "size",
    "completed": "completed",
    "seeders": "seeders",
    "leechers": "leechers",
}


@dataclass
class SearchPage:
    torrents: list
    page: int
    per_page: int
    has_next: bool
    # Exact when `total_is_exact`; otherwise the count stopped at COUNT_LIMIT (or SORT_WINDOW).
    total: int
    total_is_exact: bool
    sort: str  # "relevance", or one of SORT_COLUMNS
    order: str  # "asc" or "desc"
    query: Query = field(default_factory=Query)
    # A text search sorted by a column only sorted the newest SORT_WINDOW matches.
    sort_window_reached: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def total_pages(self) -> int | None:
        if not self.total_is_exact:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def out_of_range(self) -> bool:
        return self.page > 1 and not self.torrents

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.torrents else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.torrents)


@dataclass
class Filters:
    """Parameters resolved to database ids; the SQL is built by `_filter_sql`."""

    category_id: int | None = None
    sub_category_id: int | None = None
    hidden_category_ids: list[int] = field(default_factory=list)
    language_codes: list[str] = field(default_factory=list)
    dead_before: object = None
    uploader_ids: list | None = None  # None: any uploader
    excluded_uploader_ids: list = field(default_factory=list)
    group_ids: list | None = None  # None: any group or none
    excluded_group_ids: list = field(default_factory=list)
    matches_nothing: bool = False  # a user: or group: operator named no existing account or group


def default_hide_adult(user) -> bool:
    """Hide adult categories unless a signed-in user's "show adult content" preference is on."""
    from anirena.accounts.preferences import effective_preferences

    return not effective_preferences(user)["show_adult"]


def search_torrents(params: SearchParams, user=None, *, for_feed: bool = False, prefetch_languages: bool | None = None,
                    count: bool = True) -> SearchPage:
    """Return one page of torrents for `params`.

    Raises InvalidSearchParams for a category, sub-category or language that
    does not exist. `for_feed` also loads what the feed and the API read: the
    search document with the .torrent length, the trackers for magnet links,
    and (unless `prefetch_languages` is False) ``languages.all()``. Without
    `count`, matches are not counted: the total is exact only on the last
    page, and otherwise the number of torrents up to this page.
    """
    query = parse_query(params.q)
    filters = resolve_filters(params, query, user)
    text = text_query(query)
    per_page = params.per_page or settings.TORRENTS_PER_PAGE
    order = "asc" if params.order == "asc" else "desc"
    sort = params.sort or ("relevance" if text.required else "date")
    page = SearchPage([], params.page, per_page, False, 0, True, sort, order, query)
    if filters.matches_nothing:
        return page

    runner = _PageQuery(filters, text, page, count=count)
    if not text.required:
        ids = runner.listing()
    elif sort == "relevance":
        ids = runner.ranked()
    elif sort == "date":
        ids = runner.text_by_date()
    else:
        ids = runner.text_by_column()
    languages = for_feed if prefetch_languages is None else prefetch_languages
    page.torrents = load_torrents(ids, for_feed=for_feed, prefetch_languages=languages)
    return page


# --- Resolving parameters --------------------------------------------------------

def resolve_filters(params: SearchParams, query: Query, user) -> Filters:
    catalog = get_catalog()
    filters = Filters()
    errors: dict[str, str] = {}
    _resolve_category(params, catalog, filters, errors)
    _resolve_languages(params, catalog, filters, errors)
    if errors:
        raise InvalidSearchParams(errors)

    hide_adult = default_hide_adult(user) if params.hide_adult is None else params.hide_adult
    chosen = catalog.category(params.category) if params.category else None
    if hide_adult and not (chosen is not None and chosen.is_adult):
        filters.hidden_category_ids = catalog.adult_category_ids
    if settings.TRACKER_ENABLED and not params.show_dead:
        filters.dead_before = timezone.now() - timedelta(days=settings.DEAD_TORRENT_GRACE_DAYS)

    users = list(query.users) + ([params.user] if params.user else [])
    groups = list(query.groups) + ([params.group] if params.group else [])
    if users:
        filters.uploader_ids = _user_ids(users)
    if groups:
        filters.group_ids = _group_ids(groups)
    filters.excluded_uploader_ids = _user_ids(query.excluded_users) if query.excluded_users else []
    filters.excluded_group_ids = _group_ids(query.excluded_groups) if query.excluded_groups else []
    filters.matches_nothing = filters.uploader_ids == [] or filters.group_ids == []
    return filters


def _resolve_category(params: SearchParams, catalog: Catalog, filters: Filters, errors: dict) -> None:
    if not params.category:
        return
    category = catalog.category(params.category)
    if category is None:
        errors["category"] = _("Unknown category %(slug)r; use one of: %(valid)s.") % {
            "slug": params.category, "valid": ", ".join(item.slug for item in catalog.categories)}
        return
    filters.category_id = category.pk
    if not params.sub_category:
        return
    subs = list(category.sub_categories.all())
    sub_category = next((sub for sub in subs if sub.slug == params.sub_category), None)
    if sub_category is None:
        errors["sub_category"] = _("Sub-category %(sub)r does not belong to %(category)s; use one of: %(valid)s.") % {
            "sub": params.sub_category, "category": category.slug, "valid": ", ".join(sub.slug for sub in subs)}
        return
    filters.sub_category_id = sub_category.pk


def _resolve_languages(params: SearchParams, catalog: Catalog, filters: Filters, errors: dict) -> None:
    if not params.languages:
        return
    known = catalog.language_codes
    unknown = [code for code in params.languages if code.lower() not in known]
    if unknown:
        errors["languages"] = _("Unknown language code(s): %(codes)s. Use BCP 47 codes from the site's list, "
                                "such as en or ja.") % {"codes": ", ".join(unknown)}
        return
    filters.language_codes = [known[code.lower()] for code in params.languages]


def _user_ids(names) -> list:
    from anirena.accounts.models import User

    # Lower() on both sides matches the case-insensitive unique index on usernames.
    condition = reduce(or_, (Q(username_lower=Lower(Value(name))) for name in names))
    return list(User.objects.annotate(username_lower=Lower("username")).filter(condition)
                .values_list("id", flat=True))


def _group_ids(values) -> list:
    from anirena.groups.models import Group

    condition = reduce(or_, (Q(slug=value.lower()) | Q(name_lower=Lower(Value(value))) for value in values))
    return list(Group.objects.annotate(name_lower=Lower("name")).filter(condition).values_list("id", flat=True))


# --- SQL --------------------------------------------------------------------------

def _torrent_model():
    from anirena.torrents.models import Torrent

    return Torrent


def _prep(model, field_name: str, value, connection):
    return model._meta.get_field(field_name).get_db_prep_value(value, connection)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _filter_sql(filters: Filters, connection) -> tuple[list[str], list]:
    """Return WHERE conditions on the torrent table ``t`` and their parameters."""
    torrent = _torrent_model()
    clauses: list[str] = []
    params: list = []
    if filters.category_id is not None:
        clauses.append("t.category_id = %s")
        params.append(filters.category_id)
    if filters.sub_category_id is not None:
        clauses.append("t.sub_category_id = %s")
        params.append(filters.sub_category_id)
    if filters.hidden_category_ids:
        clauses.append(f"t.category_id NOT IN ({_placeholders(filters.hidden_category_ids)})")
        params.extend(filters.hidden_category_ids)
    if filters.dead_before is not None:
        clauses.append("NOT (t.uploaded_at < %s AND t.seeders = 0)")
        params.append(_prep(torrent, "uploaded_at", filters.dead_before, connection))
    if filters.language_codes:
        through = torrent.languages.through
        clauses.append(
            f"EXISTS (SELECT 1 FROM {through._meta.db_table} tl WHERE tl.torrent_id = t.id "
            f"AND tl.language_id IN ({_placeholders(filters.language_codes)}))"
        )
        params.extend(filters.language_codes)
    for column, ids, negate in (("uploader", filters.uploader_ids, False),
                                ("uploader", filters.excluded_uploader_ids, True),
                                ("group", filters.group_ids, False),
                                ("group", filters.excluded_group_ids, True)):
        if not ids:
            continue
        values = [_prep(torrent, column, value, connection) for value in ids]
        if negate:
            clauses.append(f"(t.{column}_id IS NULL OR t.{column}_id NOT IN ({_placeholders(values)}))")
        else:
            clauses.append(f"t.{column}_id IN ({_placeholders(values)})")
        params.extend(values)
    return clauses, params


class _PageQuery:
    """Build and run the id queries of one page; set the count fields of `page` on the way."""

    def __init__(self, filters: Filters, text: TextQuery, page: SearchPage, *, count: bool = True,
                 using: str = "default"):
        self.count = count
        self.connection = connections[using]
        self.backend = get_backend(using)
        self.text = text
        self.page = page
        self.offset = (page.page - 1) * page.per_page
        self.limit = page.per_page + 1
        self.table = _torrent_model()._meta.db_table
        self.where, self.params = _filter_sql(filters, self.connection)

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _direction(self) -> str:
        return "ASC" if self.page.order == "asc" else "DESC"

    def _keep_page(self, ids: list) -> list:
        """Trim the look-ahead row and record whether a next page exists."""
        self.page.has_next = len(ids) > self.page.per_page
        return ids[:self.page.per_page]

    # Listing without words: the torrent table alone.
    def _listing_source(self) -> tuple[str, list]:
        where = list(self.where)
        params = list(self.params)
        if self.text.excluded:
            condition, condition_params = self.backend.excluded_where(self.text.excluded)
            where.append(condition)
            params.extend(condition_params)
        sql = f"FROM {self.table} t"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params

    def listing(self) -> list:
        source, params = self._listing_source()
        column = SORT_COLUMNS[self.page.sort]
        direction = self._direction()
        rows = self._fetch(
            f"SELECT t.id {source} ORDER BY t.{column} {direction}, t.id {direction} LIMIT %s OFFSET %s",
            params + [self.limit, self.offset],
        )
        ids = self._keep_page([row[0] for row in rows])
        self._count_if_needed(len(ids), f"SELECT 1 {source}", params)
        return ids

    def _count_if_needed(self, found: int, select_sql: str, params: list) -> None:
        if not self.page.has_next and (found or self.offset == 0):
            # The last page: everything before it was full.
            self.page.total, self.page.total_is_exact = self.offset + found, True
            return
        if not self.count:
            self.page.total, self.page.total_is_exact = self.offset + found, False
            return
        rows = self._fetch(f"SELECT COUNT(*) FROM ({select_sql} LIMIT %s) capped", params + [conf.COUNT_LIMIT + 1])
        count = rows[0][0]
        self.page.total = min(count, conf.COUNT_LIMIT)
        self.page.total_is_exact = count <= conf.COUNT_LIMIT

    # Text searches: the index drives, newest match first.
    def _text_source(self, extra_where: str = "", extra_params: list | None = None) -> tuple[str, list]:
        condition, condition_params = self.backend.text_where(self.text)
        where = [condition] + list(self.where) + ([extra_where] if extra_where else [])
        params = condition_params + list(self.params) + list(extra_params or [])
        source = self.backend.text_from.format(torrents=self.table)
        return f"FROM {source} WHERE " + " AND ".join(where), params

    def text_by_date(self) -> list:
        source, params = self._text_source()
        order = self.backend.document_order
        rows = self._fetch(
            f"SELECT t.id {source} ORDER BY {order} {self._direction()} LIMIT %s OFFSET %s",
            params + [self.limit, self.offset],
        )
        ids = self._keep_page([row[0] for row in rows])
        self._count_if_needed(len(ids), f"SELECT 1 {source}", params)
        return ids

    def text_by_column(self) -> list:
        source, params = self._text_source()
        order = self.backend.document_order
        column = SORT_COLUMNS[self.page.sort]
        direction = self._direction()
        rows = self._fetch(
            f"SELECT id, COUNT(*) OVER () FROM (SELECT t.id AS id, t.{column} AS sort_key {source} "
            f"ORDER BY {order} DESC LIMIT %s) candidates "
            f"ORDER BY sort_key {direction}, id {direction} LIMIT %s OFFSET %s",
            params + [conf.SORT_WINDOW, self.limit, self.offset],
        )
        ids = self._keep_page([row[0] for row in rows])
        if rows:
            candidates = rows[0][1]
            self.page.sort_window_reached = candidates >= conf.SORT_WINDOW
            self.page.total, self.page.total_is_exact = candidates, not self.page.sort_window_reached
        return ids

    def ranked(self) -> list:
        """Rank the newest RANK_WINDOW matches; continue with older matches in date order."""
        source, params = self._text_source()
        order = self.backend.document_order
        window = self._fetch(
            f"SELECT t.id, {order}, d.title {source} ORDER BY {order} DESC LIMIT %s",
            params + [conf.RANK_WINDOW],
        )
        window.sort(key=lambda row: (-relevance(row[2].split(), self.text), -row[1]))
        ids = [row[0] for row in window[self.offset:self.offset + self.limit]]
        full = len(window) >= conf.RANK_WINDOW
        if full and len(ids) < self.limit:
            ids += self._after_window(min(row[1] for row in window), self.limit - len(ids))
        self.page.total = min(len(window), conf.COUNT_LIMIT)
        self.page.total_is_exact = not full and len(window) <= conf.COUNT_LIMIT
        return self._keep_page(ids)

    def _after_window(self, boundary: int, missing_count: int) -> list:
        order = self.backend.document_order
        source, params = self._text_source(f"{order} < %s", [boundary])
        skip = max(0, self.offset - conf.RANK_WINDOW)
        rows = self._fetch(
            f"SELECT t.id {source} ORDER BY {order} DESC LIMIT %s OFFSET %s",
            params + [missing_count, skip],
        )
        return [row[0] for row in rows]


# --- Loading the page ------------------------------------------------------------------

# Columns that listings never show; the feed adds tracker_tiers back for magnet links.
_UNLISTED_FIELDS = ("description", "comment", "tracker_tiers")


def _listing_fields(for_feed: bool) -> list[str]:
    torrent = _torrent_model()
    skipped = set(_UNLISTED_FIELDS) - ({"tracker_tiers"} if for_feed else set())
    fields = [field.name for field in torrent._meta.concrete_fields if field.name not in skipped]
    if for_feed:
        fields += ["uploader__username", "group__name", "group__slug",
                   "search_document__torrent_file_length", "search_document__trackers_key"]
    return fields


def load_torrents(ids: list, *, for_feed: bool = False, prefetch_languages: bool = False) -> list:
    """Load the torrents of a page in the given order, with what listings and feeds show.

    Categories, sub-categories and languages come from the cached catalog, and
    `languages_shown` lists each torrent's Language rows (read in one query).
    Without `for_feed`, the uploader's name and the group's name and slug are
    the attributes `uploader_name`, `group_name` and `group_slug`. Reading
    ``torrent.uploader`` or ``torrent.group`` then costs a query per torrent.
    """
    if not ids:
        return []
    torrent = _torrent_model()
    primary_keys = [value if isinstance(value, uuid.UUID) else torrent._meta.pk.to_python(value) for value in ids]
    queryset = torrent.objects.filter(pk__in=primary_keys).only(*_listing_fields(for_feed))
    if for_feed:
        queryset = queryset.select_related("uploader", "group", "search_document")
    else:
        # The page prints three values of the uploader and group; reading them as columns
        # saves building a User and a Group object for every row.
        queryset = queryset.annotate(uploader_name=F("uploader__username"), group_name=F("group__name"),
                                     group_slug=F("group__slug"))
    if prefetch_languages:
        # NOTE: the API reads torrent.languages.all(); `languages_shown` is the cheaper list.
        queryset = queryset.prefetch_related("languages")
    by_id = {item.pk: item for item in queryset}
    torrents = [by_id[key] for key in primary_keys if key in by_id]
    _attach_catalog(torrents)
    return torrents


def _attach_catalog(torrents: list) -> None:
    catalog = get_catalog()
    through = _torrent_model().languages.through
    pairs = through.objects.filter(torrent_id__in=[item.pk for item in torrents]).values_list("torrent_id",
                                                                                             "language_id")
    languages_by_torrent: dict = {}
    for torrent_id, code in pairs:
        languages_by_torrent.setdefault(torrent_id, []).append(catalog.language_by_code[code])
    for item in torrents:
        item.category = catalog.category_by_id[item.category_id]
        item.sub_category = catalog.sub_category_by_id.get(item.sub_category_id)
        item.languages_shown = sorted(languages_by_torrent.get(item.pk, []), key=lambda language: language.position)
