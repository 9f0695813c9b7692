import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse

from anirena.search import feeds
from anirena.testing import shared_data
from anirena.torrents.services.upload import UploadRequest, upload_torrent
from tests.factories import make_torrent
from tests.search.helpers import make_group

pytestmark = pytest.mark.django_db

NYAA = "{https://nyaa.si/xmlns/nyaa}"
OURS = "{https://www.anirena.com/xmlns/rss}"
_UNITS = {"b": 0, "kb": 1, "kib": 1, "mb": 2, "mib": 2, "gb": 3, "gib": 3, "tb": 4, "tib": 4}


def fetch(client, **params):
    response = client.get("/rss", params)
    assert response.status_code == 200, response.content
    return response


def parse(client, **params):
    feed = feedparser.parse(fetch(client, **params).content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def human_size(text: str) -> float:
    """Read "609.6 MiB" the way media managers do: binary units, with or without the i."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)\b", text, re.IGNORECASE)
    return float(match.group(1)) * 1024 ** _UNITS[match.group(2).lower()]


# --- Readers shaped like the media managers that consume nyaa feeds ---------------------------

def read_like_sonarr(xml: bytes) -> list[dict]:
    """Read items as Sonarr's torrent RSS indexer does: elements by local name, each at most once.

    A .torrent enclosure is the download when present (Sonarr detects it once per feed);
    otherwise the item's link is.
    """
    def unique(item, name):
        found = [element for element in item.iter() if element.tag.split("}")[-1].lower() == name.lower()]
        assert len(found) <= 1, f"{name} occurs {len(found)} times in one item"
        return found[0].text if found else None

    items = []
    for item in ElementTree.fromstring(xml).find("channel").findall("item"):
        items.append({
            "title": item.findtext("title"),
            "download": _enclosure_url(item) or item.findtext("link"),
            "info": item.findtext("guid"),
            "published": parsedate_to_datetime(item.findtext("pubDate")),
            "size": human_size(unique(item, "size")),
            "seeders": int(unique(item, "seeders")),
            "peers": int(unique(item, "leechers")) + int(unique(item, "seeders")),
            "info_hash": next(e.text for e in item.iter() if e.tag.split("}")[-1].lower() == "infohash"),
        })
    return items


def _enclosure_url(item) -> str | None:
    enclosure = item.find("enclosure")
    if enclosure is not None and enclosure.get("type") == "application/x-bittorrent":
        return enclosure.get("url")
    return None


def read_like_medusa(xml: bytes) -> list[dict]:
    """Read items as Medusa's torrent RSS provider does: feedparser's nyaa_* keys, and the
    download from the magnet key, else the first enclosure, else the link."""
    items = []
    for entry in feedparser.parse(xml).entries:
        enclosures = entry.get("enclosures") or []
        items.append({
            "title": entry["title"],
            "link": entry.get("torrent_magneturi") or (enclosures[0].href if enclosures else None) or entry["link"],
            "seeders": int(entry["nyaa_seeders"]),
            "leechers": int(entry["nyaa_leechers"]),
            "size": human_size(entry["nyaa_size"]),
            "published": entry["published"],
        })
    return items


@pytest.mark.parametrize("path", [("medusa", "nyaa_daily.xml"), ("medusa", "nyaa_backlog.xml"),
                                  ("sonarr", "Nyaa2021.xml")])
def test_consumer_readers_accept_captured_nyaa_feeds(path):
    xml = shared_data("rss", *path).read_bytes()
    for reader in (read_like_sonarr, read_like_medusa):
        items = reader(xml)
        assert items
        assert all(item["size"] > 0 for item in items)


def test_our_feed_reads_like_a_nyaa_feed(client, alice):
    data = make_torrent(name="[Group] Show - 01 (1080p)", files={"[Group] Show - 01 (1080p).mkv": 90000})
    torrent = upload_torrent(alice, UploadRequest(data=data, category="anime", sub_category="raw"))
    xml = fetch(client).content
    sonarr = read_like_sonarr(xml)
    medusa = read_like_medusa(xml)
    assert len(sonarr) == len(medusa) == 1
    download = "http://testserver" + reverse("torrents:download", args=[torrent.pk])
    assert sonarr[0]["download"] == download == medusa[0]["link"]
    assert sonarr[0]["info"] == "http://testserver" + torrent.get_absolute_url()
    assert sonarr[0]["info_hash"] == torrent.info_hash_v1
    assert sonarr[0]["size"] == pytest.approx(torrent.size, rel=0.001)
    assert medusa[0]["size"] == pytest.approx(torrent.size, rel=0.001)
    assert sonarr[0]["published"] == torrent.uploaded_at.replace(microsecond=0)


# --- Items --------------------------------------------------------------------------------------

def test_item_fields(client, alice):
    data = make_torrent(name="Hybrid Release", files={"Hybrid Release/a.mkv": 70000, "Hybrid Release/b.txt": 500},
                        version="hybrid")
    torrent = upload_torrent(alice, UploadRequest(data=data, category="anime", sub_category="english-translated"))
    from anirena.torrents.models import Torrent

    Torrent.objects.filter(pk=torrent.pk).update(completed=42, seeders=7, leechers=3)
    feed = parse(client)
    assert feed.version == "rss20"
    entry = feed.entries[0]
    page_url = "http://testserver" + torrent.get_absolute_url()
    download_url = "http://testserver" + reverse("torrents:download", args=[torrent.pk])
    assert entry.title == "Hybrid Release"
    assert entry.link == page_url
    assert entry.id == page_url
    assert entry.enclosures[0].href == download_url
    assert entry.guidislink is False or entry.id == page_url
    assert entry.published_parsed is not None
    assert "Hybrid Release" in entry.summary
    assert "Anime - English-translated" in entry.summary
    assert (entry.nyaa_seeders, entry.nyaa_leechers, entry.nyaa_downloads) == ("7", "3", "42")
    assert entry.nyaa_infohash == torrent.info_hash_v1
    assert entry.nyaa_categoryid == "1_3"
    assert entry.nyaa_category == "Anime - English-translated"
    assert entry.nyaa_size == feeds.nyaa_size(torrent.size)
    assert entry.anirena_infohashv2 == torrent.info_hash_v2
    assert entry.anirena_sizebytes == str(torrent.size)

    enclosure = entry.enclosures[0]
    assert enclosure.href == download_url
    assert enclosure.type == "application/x-bittorrent"
    served = client.get(reverse("torrents:download", args=[torrent.pk]))
    assert int(enclosure.length) == len(served.content)


def test_enclosure_length_follows_announce_changes(client, alice, settings):
    torrent = upload_torrent(alice, UploadRequest(data=make_torrent(name="Moved"), category="anime"))
    settings.ANNOUNCE_URLS = settings.ANNOUNCE_URLS + ["udp://tracker.example.net:1337/announce"]
    enclosure = parse(client).entries[0].enclosures[0]
    served = client.get(reverse("torrents:download", args=[torrent.pk]))
    assert int(enclosure.length) == len(served.content)


def test_v2_only_torrent_hashes(client, alice):
    torrent = upload_torrent(alice, UploadRequest(data=make_torrent(name="Only V2", version="v2"), category="anime"))
    entry = parse(client).entries[0]
    assert entry.anirena_infohashv2 == torrent.info_hash_v2
    # The 40-character hash a v2-only torrent announces with.
    assert entry.nyaa_infohash == torrent.info_hash_v2[:40]


def test_rss_structure(client, torrents):
    torrents("Structure Check", sub_category="raw")
    root = ElementTree.fromstring(fetch(client).content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required)
    item = channel.find("item")
    assert item.find("guid").get("isPermaLink") == "true"
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}",
                        item.findtext("pubDate"))
    enclosure = item.find("enclosure")
    assert set(enclosure.attrib) == {"url", "length", "type"}
    assert enclosure.get("length").isdigit()
    names = [child.tag for child in item]
    for name in ("seeders", "leechers", "downloads", "infoHash", "categoryId", "category", "size"):
        assert names.count(NYAA + name) == 1, name
    assert names.count(OURS + "sizeBytes") == 1
    # No element of ours shares a local name with nyaa's: consumers look them up by local name.
    local_names = [name.split("}")[-1].lower() for name in names]
    assert len(local_names) == len(set(local_names))


@pytest.mark.parametrize("title", [
    'Tom & Jerry <Special> "Quoted" \'Single\' ©',
    "進撃の巨人 – Ωmega 🎉 Ünïcödé",
    "]]> <![CDATA[ x",
])
def test_titles_are_escaped(client, torrents, title):
    torrents(title)
    content = fetch(client).content
    item = ElementTree.fromstring(content).find("channel/item")
    assert item.findtext("title") == title
    assert parse(client).entries[0].title == title


def test_control_characters_are_dropped(client, torrents):
    torrents("Bell\x07Title\x1b")
    assert parse(client).entries[0].title == "BellTitle"


# --- Filters and order ------------------------------------------------------------------------------

def test_newest_first_even_with_words(client, torrents):
    # Inserted in upload order, as uploads are: text searches by date follow the index order.
    torrents("Frieren", age=timedelta(days=3))
    torrents("[Group] Sousou no Frieren - 05 (1080p)", age=timedelta(days=2))
    torrents("[Group] Sousou no Frieren - 06 (1080p)", age=timedelta(days=1))
    titles = [entry.title for entry in parse(client, q="frieren").entries]
    assert titles == ["[Group] Sousou no Frieren - 06 (1080p)", "[Group] Sousou no Frieren - 05 (1080p)", "Frieren"]


def test_feed_filters(client, torrents, alice, bob):
    group = make_group(bob, "Subs Group", "subs-group")
    torrents("Raw Japanese", sub_category="raw", languages=["ja"])
    torrents("Bob English", uploader=bob, group=group, languages=["en"])
    torrents("Song", category="audio")
    torrents("Adult", category="hentai")

    def titles(**params):
        return {entry.title for entry in parse(client, **params).entries}

    assert titles() == {"Raw Japanese", "Bob English", "Song"}
    assert titles(category="anime", sub_category="raw") == {"Raw Japanese"}
    assert titles(category="audio") == {"Song"}
    assert titles(category="hentai") == {"Adult"}
    assert titles(q="english") == {"Bob English"}
    assert titles(user="bob") == {"Bob English"}
    assert titles(group="subs-group") == {"Bob English"}
    assert titles(q="group:subs-group") == {"Bob English"}
    assert titles(languages="ja,fr") == {"Raw Japanese"}


def test_magnet_links(client, alice):
    torrent = upload_torrent(alice, UploadRequest(data=make_torrent(name="Magnet Me"), category="anime"))
    entry = parse(client, magnet="1").entries[0]
    assert entry.link.startswith("magnet:?xt=urn:btih:" + torrent.info_hash_v1)
    assert entry.enclosures[0].href.endswith(f"/torrents/{torrent.pk}.torrent")


def test_item_count_setting(client, torrents, settings):
    for number in range(5):
        torrents(f"Item {number}")
    settings.RSS_ITEMS = 3
    assert [entry.title for entry in parse(client).entries] == ["Item 4", "Item 3", "Item 2"]


def test_feed_ignores_page_parameters(client, torrents):
    torrents("Old", age=timedelta(days=2))
    torrents("New", age=timedelta(days=1))
    titles = [entry.title for entry in parse(client, sort="size", order="asc", page="3", per_page="1").entries]
    assert titles == ["New", "Old"]


def test_invalid_parameters(client):
    response = client.get("/rss", {"category": "cartoons", "languages": "zz"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Unknown category 'cartoons'" in response.content.decode()


# --- Caching ---------------------------------------------------------------------------------------------

def test_conditional_get(client, torrents):
    torrents("Cached")
    response = fetch(client)
    assert response["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get("/rss", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/rss", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get("/rss", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get("/rss", {"category": "audio"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_rendered_feed_is_cached_until_the_index_changes(client, torrents, monkeypatch):
    renders = []
    original = feeds.render_feed
    monkeypatch.setattr(feeds, "render_feed", lambda *args: renders.append(args) or original(*args))
    torrents("First")
    first = fetch(client).content
    assert fetch(client).content == first
    # Equivalent addresses share one cache entry.
    fetch(client, q="  ")
    assert len(renders) == 1
    torrents("Second")
    assert [entry.title for entry in feedparser.parse(fetch(client).content).entries] == ["Second", "First"]
    assert len(renders) == 2


def test_feed_does_not_vary_by_visitor(client, torrents, alice):
    torrents("Public")
    anonymous = fetch(client)
    client.force_login(alice)
    signed_in = fetch(client)
    assert signed_in.content == anonymous.content


def test_feed_cache_keeps_languages_apart(client, torrents, monkeypatch):
    renders = []
    original = feeds.render_feed
    monkeypatch.setattr(feeds, "render_feed", lambda *args: renders.append(args) or original(*args))
    torrents("Translated")
    english = fetch(client, q="translated")
    french = client.get("/rss", {"q": "translated"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    assert feedparser.parse(english.content).feed.title == "AniRena - Search: translated"
    assert (english["Content-Language"], french["Content-Language"]) == ("en", "fr")
    # The channel text is translated, so each language is rendered and cached on its own.
    assert len(renders) == 2


def test_site_url_is_used_for_links(client, torrents):
    torrents("Linked")
    entry = parse(client).entries[0]
    assert entry.link.startswith(settings.SITE_URL)
