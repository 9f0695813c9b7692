"""The RSS 2.0 feed at /rss: the newest torrents for the same filters as the home page.

Items follow the shape of nyaa.si's feed, which media managers (Sonarr,
Medusa, Prowlarr) already read. ``<link>`` is the download (the .torrent, or
the magnet URI with ``magnet=1``) and ``<guid>`` the torrent's page. The
``nyaa:`` elements carry seeders, leechers, completed downloads, the v1 info
hash, the category and a human-readable size in binary units. Our own
namespace adds the v2 info hash and the size in bytes under names that differ
from nyaa's, because those readers look elements up by local name alone and
fail when a name occurs twice in one item.

A rendered feed is cached for FEED_CACHE_SECONDS under its normalised
parameters and the index generation, which every upload, edit and deletion
moves on. Conditional GETs that match get a 304 response.
"""

import hashlib
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from anirena.metainfo import MetainfoError
from anirena.search import conf, index
from anirena.search.params import InvalidSearchParams, SearchParams
from anirena.search.listing import torrent_url
from anirena.search.query import parse_query
from anirena.search.service import search_torrents
from anirena.torrents import links
from anirena.torrents.peers import attach_live_counts, swarm_hashes

logger = logging.getLogger(__name__)

NYAA_NAMESPACE = "https://nyaa.si/xmlns/nyaa"
ANIRENA_NAMESPACE = "https://www.anirena.com/xmlns/rss"
# Characters XML 1.0 does not allow; a title can carry them from a .torrent's name.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TRUE = {"1", "true", "yes", "on"}


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def nyaa_size(size: int) -> str:
    """Format a byte count as nyaa does ("609.6 MiB"), but in GiB past 1 TiB.

    Note: Sonarr parses this element and reads KiB, MiB and GiB but not TiB.
    """
    for unit, power in (("GiB", 3), ("MiB", 2)):
        if size >= 1024 ** power:
            return f"{size / 1024 ** power:.1f} {unit}"
    return f"{size / 1024:.1f} KiB"


def category_id(torrent) -> str:
    """Return the category as nyaa's "<category>_<sub-category>" numbers, counted from 1 in display order."""
    sub = torrent.sub_category.position + 1 if torrent.sub_category else 0
    return f"{torrent.category.position + 1}_{sub}"


def category_label(torrent) -> str:
    if torrent.sub_category:
        return f"{torrent.category.name} - {torrent.sub_category.name}"
    return torrent.category.name


class TorrentFeed(Rss201rev2Feed):
    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:nyaa"] = NYAA_NAMESPACE
        attributes["xmlns:anirena"] = ANIRENA_NAMESPACE
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, value in item["namespaced"]:
            handler.addQuickElement(name, value)


# --- Parameters and caching ---------------------------------------------------------------

def feed_params(data) -> tuple[SearchParams, bool]:
    """Read the feed's parameters: the page's filters, always newest first, plus `magnet`."""
    params = SearchParams.from_data(data)
    params = params.with_changes(sort="date", order="desc", page=1, per_page=conf.rss_items())
    magnet = str(data.get("magnet", "")).strip().lower() in _TRUE
    return params, magnet


def cache_key(params: SearchParams, magnet: bool) -> str:
    normalised = urlencode(sorted({
        "q": str(parse_query(params.q)),
        "category": params.category or "",
        "sub_category": params.sub_category or "",
        "languages": ",".join(sorted(code.lower() for code in params.languages)),
        "hide_adult": "" if params.hide_adult is None else str(params.hide_adult),
        "show_dead": str(params.show_dead),
        "user": (params.user or "").lower(),
        "group": (params.group or "").lower(),
        "magnet": str(magnet),
        "items": str(params.per_page),
        # The channel title and description are translated.
        "language": get_language() or "",
    }.items()))
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"search:feed:{index.current_generation()}:{digest}"


# --- Rendering --------------------------------------------------------------------------------

def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _feed_title(params: SearchParams) -> str:
    if params.q:
        return _("%(site)s - Search: %(query)s") % {"site": settings.SITE_NAME, "query": params.q}
    return _("%(site)s - Torrent File RSS") % {"site": settings.SITE_NAME}


def enclosure_lengths(torrents) -> dict:
    """Return the served .torrent length of each torrent: stored at indexing, else computed now."""
    from anirena.torrents.models import TorrentBlob

    key = index.trackers_key()
    lengths = {}
    for torrent in torrents:
        document = getattr(torrent, "search_document", None)
        if document is not None and document.torrent_file_length is not None and document.trackers_key == key:
            lengths[torrent.pk] = document.torrent_file_length
    missing = [torrent for torrent in torrents if torrent.pk not in lengths]
    if not missing:
        return lengths
    blobs = dict(TorrentBlob.objects.filter(torrent__in=missing).values_list("torrent_id", "metainfo"))
    failures = []
    for torrent in missing:
        try:
            lengths[torrent.pk] = index.served_torrent_length(torrent, bytes(blobs[torrent.pk]))
        except (KeyError, MetainfoError) as error:
            failures.append((torrent.pk, error))
            lengths[torrent.pk] = 0
    if failures:
        # One line per feed, not per item: a broken batch would otherwise flood the log on every render.
        logger.warning("feed: no .torrent length for %d torrents, enclosure length 0; first %s: %r",
                       len(failures), failures[0][0], failures[0][1])
    return lengths


def _description(torrent, page_url: str, size: str) -> str:
    info_hash = (torrent.info_hash_v1 or torrent.info_hash_v2 or "").upper()
    return (
        f'<a href="{page_url}">{xml_text(torrent.title)}</a> | {size} | {category_label(torrent)} | '
        f"{torrent.live_seeders} seeders, {torrent.live_leechers} leechers, {torrent.completed} downloads"
        f" | {info_hash}"
    )


def _namespaced(torrent, size: str) -> list[tuple[str, str]]:
    # Consumers expect a 40-character hash here. A v2-only torrent gives its truncated
    # v2 hash, because it announces with that hash and clients list it under it.
    v1_or_swarm = torrent.info_hash_v1 or swarm_hashes(torrent)[0].hex()
    elements = [
        ("nyaa:seeders", str(torrent.live_seeders)),
        ("nyaa:leechers", str(torrent.live_leechers)),
        ("nyaa:downloads", str(torrent.completed)),
        ("nyaa:infoHash", v1_or_swarm),
        ("nyaa:categoryId", category_id(torrent)),
        ("nyaa:category", category_label(torrent)),
        ("nyaa:size", size),
    ]
    if torrent.info_hash_v2:
        elements.append(("anirena:infoHashV2", torrent.info_hash_v2))
    elements.append(("anirena:sizeBytes", str(torrent.size)))
    return elements


def render_feed(params: SearchParams, magnet: bool, request_path: str) -> tuple[bytes, object]:
    """Render the feed; return its bytes and the newest item's upload time (None when empty)."""
    result = search_torrents(params, None, for_feed=True, prefetch_languages=False, count=False)
    torrents = attach_live_counts(result.torrents)
    lengths = enclosure_lengths(torrents)
    home = reverse("torrents:home")
    feed = TorrentFeed(
        title=_feed_title(params),
        link=_absolute(home),
        description=_("The newest torrents on %(site)s matching this feed's filters.") % {"site": settings.SITE_NAME},
        feed_url=_absolute(request_path),
    )
    for torrent in torrents:
        page_url = _absolute(torrent_url("torrents:detail", torrent.pk))
        download_url = _absolute(torrent_url("torrents:download", torrent.pk))
        size = nyaa_size(torrent.size)
        feed.add_item(
            title=xml_text(torrent.title),
            link=links.magnet_uri(torrent) if magnet else page_url,
            description=_description(torrent, page_url, size),
            pubdate=torrent.uploaded_at,
            unique_id=page_url,
            unique_id_is_permalink=True,
            enclosures=[Enclosure(download_url, str(lengths[torrent.pk]), "application/x-bittorrent")],
            namespaced=_namespaced(torrent, size),
        )
    newest = max((torrent.uploaded_at for torrent in torrents), default=None)
    return feed.writeString("utf-8").encode("utf-8"), newest


# --- The view -------------------------------------------------------------------------------

def _bad_request(error: InvalidSearchParams) -> HttpResponse:
    lines = [f"{name}: {message}" for name, message in error.errors.items()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def rss(request):
    """Serve the feed, from the cache when possible; never reads the session, so it stays public."""
    try:
        params, magnet = feed_params(request.GET)
    except InvalidSearchParams as error:
        return _bad_request(error)

    key = cache_key(params, magnet)
    cached = cache.get(key)
    if cached is None:
        query_string = request.GET.urlencode()
        path = request.path + (f"?{query_string}" if query_string else "")
        try:
            body, newest = render_feed(params, magnet, path)
        except InvalidSearchParams as error:
            return _bad_request(error)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        last_modified = int(newest.timestamp()) if newest else None
        cached = (body, etag, last_modified)
        cache.set(key, cached, conf.FEED_CACHE_SECONDS)
    body, etag, last_modified = cached

    response = HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=conf.FEED_CACHE_SECONDS)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
