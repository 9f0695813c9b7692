"""The home page's torrent table: parameters, the cached rendering, and the values the templates print.

The table repeats the same few links for 75 rows or more, so they are built
here (one `reverse` per URL name, string formatting for the rest) and the
template only prints them. Every link keeps the page's other parameters.

The rendered table is cached for LISTING_CACHE_SECONDS under the request's
parameters, the visitor's effective defaults, the language and the index
generation, so an upload, edit or deletion shows at once. Peer counts in a
cached table can be that many seconds old.
"""

import functools
import hashlib
import uuid
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from anirena.core.formatting import format_size
from anirena.search import conf, index
from anirena.search.catalog import get_catalog
from anirena.search.params import InvalidSearchParams, SearchParams
from anirena.search.query import Query
from anirena.search.service import default_hide_adult, search_torrents
from anirena.torrents.names import sorted_by_display_name
from anirena.torrents.peers import attach_live_counts

_SENTINEL = uuid.UUID(int=0)

# The columns a header can sort by, in table order, with the order of their first click.
SORT_HEADERS = (
    ("name", "asc"), ("size", "desc"), ("date", "desc"), ("seeders", "desc"), ("leechers", "desc"),
    ("completed", "desc"),
)


@functools.lru_cache(maxsize=32)
def _url_parts(name: str, script_prefix: str) -> tuple[str, str]:
    """Split the URL of `name` around its torrent id, so other ids are formatted in without `reverse`."""
    url = reverse(name, args=[_SENTINEL])
    head, _, tail = url.partition(str(_SENTINEL))
    return head, tail


def torrent_url(name: str, torrent_id) -> str:
    head, tail = _url_parts(name, get_script_prefix())
    return f"{head}{torrent_id}{tail}"


def with_params(query, **changes) -> str:
    """Return ``?query`` with `changes` applied; None or "" removes a parameter (like the query_with tag)."""
    pairs = [(key, value) for key, values in query.lists() if key not in changes for value in values]
    pairs += [(key, value) for key, value in changes.items() if value is not None and value != ""]
    return "?" + urlencode(pairs)


def _operator_url(home: str, query: Query) -> str:
    return home + "?" + urlencode({"q": str(query)})


# One table row, filled with str.format after escaping each value. The home page
# lists 75 rows or more, and this costs a fraction of the same markup in template tags.
_ROW = (
    '<tr{adult}><td class="cat"><a class="badge cat-{category_slug}" href="{category_url}">{category_label}</a></td>'
    '<td class="name"><a href="{detail_url}" hx-get="{detail_url}" hx-target="#panel" hx-push-url="false">{title}</a>'
    ' <span class="by">{by} <a href="{uploader_url}">{uploader}</a>{group}</span>{languages}'
    ' <span class="actions"><a href="{download_url}" title="{download_text}" aria-label="{download_text}">⤓</a>'
    ' <a href="{magnet_url}" title="{magnet_text}" aria-label="{magnet_text}">🧲</a></span></td>'
    '<td class="num">{size}</td><td class="date"><time datetime="{date_iso}">{date_text}</time></td>'
    '<td class="num seeders">{seeders}</td><td class="num leechers">{leechers}</td><td class="num">{completed}</td></tr>'
)


def rows_html(torrents: list, query) -> str:
    """Render the table rows of a page; `query` is the request's QueryDict, kept in every link."""
    home = reverse("torrents:home")
    texts = {"by": escape(_("by")), "download_text": escape(_("Download .torrent")),
             "magnet_text": escape(_("Magnet link"))}
    category_urls: dict = {}
    operator_urls: dict = {}

    def operator_url(query_object: Query) -> str:
        if query_object not in operator_urls:
            operator_urls[query_object] = escape(_operator_url(home, query_object))
        return operator_urls[query_object]

    rendered = []
    for torrent in torrents:
        category, sub = torrent.category, torrent.sub_category
        key = (category.slug, sub.slug if sub else None)
        if key not in category_urls:
            category_urls[key] = escape(with_params(query, category=key[0], sub_category=key[1], page=None))
        group_link = ""
        if torrent.group_slug:
            group_link = (f' · <a href="{operator_url(Query(groups=(torrent.group_slug,)))}">'
                          f'{escape(torrent.group_name)}</a>')
        languages = "".join(f' <span class="language" title="{escape(language.display_name)}">'
                            f'{escape(language.code)}</span>' for language in torrent.languages_shown)
        # Torrent URLs hold only the path and a UUID, sizes and dates only digits and
        # units, and slugs only letters, digits, hyphens and underscores: no escaping.
        detail_url = torrent_url("torrents:detail", torrent.pk)
        rendered.append(_ROW.format(
            adult=' class="adult"' if category.is_adult else "",
            category_slug=category.slug,
            category_url=category_urls[key],
            category_label=escape(category_label(category, sub)),
            detail_url=detail_url,
            title=escape(torrent.title),
            uploader_url=operator_url(Query(users=(torrent.uploader_name,))),
            uploader=escape(torrent.uploader_name),
            group=group_link,
            languages=languages,
            download_url=torrent_url("torrents:download", torrent.pk),
            magnet_url=torrent_url("torrents:magnet", torrent.pk),
            size=format_size(torrent.size),
            date_iso=torrent.uploaded_at.isoformat(),
            date_text=torrent.uploaded_at.strftime("%Y-%m-%d %H:%M"),
            seeders=int(torrent.live_seeders),
            leechers=int(torrent.live_leechers),
            completed=int(torrent.completed),
            **texts,
        ))
    # Every value above is escaped, an integer, or made of URL-safe characters; the markup is the constant _ROW.
    return mark_safe("\n".join(rendered))  # noqa: S308


def sort_headers(query, result) -> list[dict]:
    """Describe each sortable column header: its label, link, and whether it is the active sort."""
    labels = {"name": (_("Name"), ""), "size": (_("Size"), ""), "date": (_("Date"), ""),
              "seeders": (_("S"), _("Seeders")), "leechers": (_("L"), _("Leechers")),
              "completed": (_("C"), _("Completed downloads"))}
    active = result.sort if result is not None else None
    current = result.order if result is not None else "desc"
    headers = []
    for column, first_order in SORT_HEADERS:
        label, title = labels[column]
        header = {"column": column, "label": label, "title": title, "aria_sort": "", "arrow": ""}
        next_order = first_order
        if column == active:
            next_order = "asc" if current == "desc" else "desc"
            header["aria_sort"] = "ascending" if current == "asc" else "descending"
            header["arrow"] = "▲" if current == "asc" else "▼"
        header["href"] = with_params(query, sort=column, order=next_order, page=None)
        headers.append(header)
    return headers


def category_grid(query, catalog, params) -> str:
    """Render the columns of the category picker: each category with its sub-categories and their links.

    Every page shows the picker, so the HTML is kept in the catalog's memo under the
    parameters it depends on.
    """
    rest = [(key, values) for key, values in query.lists() if key not in ("category", "sub_category", "page")]
    memo_key = ("category_grid", urlencode(rest, doseq=True), params.category, params.sub_category, get_language())
    if memo_key in catalog.memo:
        return catalog.memo[memo_key]
    columns = []
    for category in catalog.categories:
        links = []
        chosen = category.slug == params.category and not params.sub_category
        classes = "category current" if chosen else "category"
        href = escape(with_params(query, category=category.slug, sub_category=None, page=None))
        links.append(f'<a class="{classes}" href="{href}">{escape(category.display_name)}</a>')
        for sub in category.sub_categories.all():
            chosen = category.slug == params.category and sub.slug == params.sub_category
            current = ' class="current"' if chosen else ""
            href = escape(with_params(query, category=category.slug, sub_category=sub.slug, page=None))
            links.append(f'<a{current} href="{href}">{escape(sub.display_name)}</a>')
        adult = " adult" if category.is_adult else ""
        columns.append(f'<div class="category-column{adult}">{"".join(links)}</div>')
    html = mark_safe("".join(columns))  # noqa: S308 - names and links are escaped above
    _remember(catalog, memo_key, html)
    return html


def _remember(catalog, key, value) -> None:
    if len(catalog.memo) >= 256:
        catalog.memo.clear()  # keys come from addresses, so the memo must not grow without bound
    catalog.memo[key] = value


def chosen_category_label(catalog, params) -> str:
    category = catalog.category(params.category) if params.category else None
    if category is None:
        return _("All categories")
    sub = next((item for item in category.sub_categories.all() if item.slug == params.sub_category), None)
    return category_label(category, sub)


def category_label(category, sub) -> str:
    """Return "Category · Sub-category" (or the category alone when `sub` is None) in the active language."""
    return f"{category.display_name} · {sub.display_name}" if sub else category.display_name


def language_options(catalog, chosen) -> str:
    """Return the <option> elements of the language selector; `chosen` codes compare without letter case.

    The options are sorted by their names in the active language.
    """
    chosen_codes = frozenset(code.lower() for code in chosen)
    key = ("language_options", chosen_codes, get_language())
    if key not in catalog.memo:
        _remember(catalog, key, format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((language.code, mark_safe(" selected") if language.code.lower() in chosen_codes else "",
              language.display_name) for language in sorted_by_display_name(catalog.languages)),
        ))
    return catalog.memo[key]


# --- Reading parameters and rendering the table --------------------------------------------

def read_params(request) -> tuple[SearchParams, dict]:
    """Return the page's parameters, with the visitor's defaults filled in, and any errors."""
    from anirena.accounts.preferences import get_preferences

    errors: dict = {}
    try:
        params = SearchParams.from_data(request.GET)
    except InvalidSearchParams as error:
        params, errors = SearchParams(), error.errors
    if params.per_page is None:
        params = params.with_changes(per_page=get_preferences(request)["torrents_per_page"])
    if params.hide_adult is None:
        params = params.with_changes(hide_adult=default_hide_adult(request.user))
    return params, errors


def _table_cache_key(request, params: SearchParams) -> str:
    identity = f"{request.GET.urlencode()}|{params!r}|{get_language()}|{settings.TRACKER_ENABLED}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"search:table:{index.current_generation()}:{digest}"


def render_table(request, params: SearchParams, errors: dict) -> tuple[str, dict]:
    """Return the table's HTML (a SafeString, also when read from the cache) and the parameter errors."""
    seconds = conf.listing_cache_seconds()
    key = _table_cache_key(request, params) if seconds and not errors else None
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached, {}

    result = None
    if not errors:
        try:
            # The page does without a total: counting up to COUNT_LIMIT matches of a
            # selective filter reads thousands of rows, and "next" needs only one more.
            result = search_torrents(params, request.user, count=False)
        except InvalidSearchParams as error:
            errors = error.errors
    if result is not None:
        attach_live_counts(result.torrents)
    query = request.GET
    context = {
        "result": result,
        "errors": errors,
        "rows_html": rows_html(result.torrents, query) if result else "",
        "headers": sort_headers(query, result),
        "pages": page_links(query, result),
    }
    html = render_to_string("htmx/torrent_table.html", context, request=request)
    if key is not None and not errors:
        cache.set(key, html, seconds)
    return html, errors


def form_context(request, params: SearchParams) -> dict:
    """Return what the search form above the table shows."""
    catalog = get_catalog()
    query = request.GET
    return {
        "params": params,
        "category_grid": category_grid(query, catalog, params),
        "category_label": chosen_category_label(catalog, params),
        "all_categories_href": with_params(query, category=None, sub_category=None, page=None),
        "language_options": language_options(catalog, params.languages),
        "hide_adult": params.hide_adult,
        "tracker_enabled": settings.TRACKER_ENABLED,
    }


def page_links(query, result) -> dict:
    """Return the pagination links of a result, or an empty dict when there is nothing to page through."""
    if result is None:
        return {}
    links = {"first": "", "previous": "", "next": "", "last": ""}
    if result.has_previous:
        links["first"] = with_params(query, page=None)
        links["previous"] = with_params(query, page=result.page - 1 if result.page > 2 else None)
    if result.has_next:
        links["next"] = with_params(query, page=result.page + 1)
    if result.total_pages and result.total_pages > 1:
        links["last"] = with_params(query, page=result.total_pages)
    return links
