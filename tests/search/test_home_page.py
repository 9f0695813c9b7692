import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.search.helpers import make_group

pytestmark = pytest.mark.django_db


def page_titles(response) -> list[str]:
    html = response.content.decode()
    return [unescape(title) for title in re.findall(r'hx-target="#panel" hx-push-url="false">([^<]*)</a>', html)]


def links_to_home(response) -> list[dict]:
    """Return the query parameters of every link in the page that keeps to the listing."""
    html = unescape(response.content.decode())
    return [parse_qs(urlsplit(href).query) for href in re.findall(r'href="(\?[^"]*|/\?[^"]*)"', html)]


def header_links(response) -> dict[str, dict]:
    """Return the query parameters of each sortable column header's link, by sort name."""
    html = unescape(response.content.decode())
    links = [parse_qs(urlsplit(href).query) for href in re.findall(r'<th [^>]*><a href="([^"]*)"', html)]
    return {link["sort"][0]: link for link in links}


def test_home_lists_and_searches(client, torrents):
    torrents("Frieren 05", languages=["ja"])
    torrents("Dandadan 05", category="manga")
    response = client.get("/")
    assert response.status_code == 200
    assert page_titles(response) == ["Dandadan 05", "Frieren 05"]
    assert "2 torrents" in response.content.decode()
    response = client.get("/", {"q": "frieren", "category": "anime", "languages": "ja"})
    assert page_titles(response) == ["Frieren 05"]


def test_sort_headers_keep_filters_and_flip_order(client, torrents):
    torrents("Small", size=10)
    torrents("Large", size=1000)
    response = client.get("/", {"q": "small|large", "category": "anime", "sort": "size", "order": "desc"})
    assert page_titles(response) == ["Large", "Small"]
    headers = header_links(response)
    assert headers["size"]["order"] == ["asc"]
    assert headers["size"]["q"] == ["small|large"]
    assert headers["size"]["category"] == ["anime"]
    assert headers["name"]["order"] == ["asc"]
    assert headers["date"]["order"] == ["desc"]
    assert set(headers) == {"name", "size", "date", "seeders", "leechers", "completed"}
    assert 'aria-sort="descending"' in response.content.decode()


def test_uploader_and_group_links_search(client, torrents, alice, bob):
    group = make_group(bob, "Erai Raws", "erai-raws")
    torrents("By Bob", uploader=bob, group=group)
    torrents("By Alice", uploader=alice)
    html = client.get("/").content.decode()
    user_link = unescape(re.search(r'href="(/\?q=user[^"]*)">bob<', html).group(1))
    group_link = unescape(re.search(r'href="(/\?q=group[^"]*)">Erai Raws<', html).group(1))
    assert parse_qs(urlsplit(user_link).query)["q"] == ["user:bob"]
    assert page_titles(client.get(user_link)) == ["By Bob"]
    assert parse_qs(urlsplit(group_link).query)["q"] == ["group:erai-raws"]
    assert page_titles(client.get(group_link)) == ["By Bob"]


def test_pagination_keeps_every_filter(client, torrents):
    for number in range(5):
        torrents(f"Show {number}", languages=["en"])
    params = {"q": "show", "category": "anime", "languages": "en", "sort": "date", "order": "asc", "per_page": "2",
              "hide_adult": "1", "show_dead": "1"}
    response = client.get("/", params)
    assert page_titles(response) == ["Show 0", "Show 1"]
    next_link = next(link for link in links_to_home(response) if link.get("page") == ["2"])
    for name, value in params.items():
        assert next_link[name] == [value], name
    second = client.get("/", {**params, "page": "2"})
    assert page_titles(second) == ["Show 2", "Show 3"]
    # Full pages are not counted, but the last page shows the total.
    assert "Torrents 3 to 4; more on the next pages" in second.content.decode()
    assert "<span>Page 2</span>" in second.content.decode()
    last = client.get("/", {**params, "page": "3"})
    assert page_titles(last) == ["Show 4"]
    assert "5 torrents" in last.content.decode()
    assert "Page 3 of 3" in last.content.decode()


def test_out_of_range_page_links_back(client, torrents):
    torrents("Only")
    response = client.get("/", {"page": "40", "category": "anime"})
    html = response.content.decode()
    assert response.status_code == 200
    assert page_titles(response) == []
    assert "There is nothing on page 40." in html
    back = next(link for link in links_to_home(response) if "page" not in link and link.get("category") == ["anime"])
    assert back == {"category": ["anime"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"per_page": "0"}, "Must be between 1 and 250, got 0."),
        ({"page": "abc"}, "Expected a whole number"),
        ({"sort": "popularity"}, "Unknown value"),
        ({"category": "cartoons"}, "Unknown category"),
        ({"languages": "xx"}, "Unknown language code(s): xx"),
        ({"hide_adult": "maybe"}, "Expected true or false"),
        ({"sub_category": "raw"}, "Choose a category too"),
    ],
)
def test_invalid_parameters_show_messages(client, params, message):
    response = client.get("/", params)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())


def test_htmx_request_gets_the_table_only(client, torrents):
    torrents("Frieren 05")
    response = client.get("/", {"q": "frieren"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert page_titles(response) == ["Frieren 05"]


def test_filter_controls(client, torrents):
    torrents("Frieren 05")
    html = client.get("/", {"languages": "ja,en", "category": "anime", "sub_category": "raw"}).content.decode()
    assert '<option value="ja" selected>Japanese</option>' in html
    assert '<option value="en" selected>English</option>' in html
    assert '<option value="fr">French</option>' in html
    # The category grid lists every category with its sub-categories.
    assert "Manga/Manhwa/Comic" in html
    assert "Light Novel" in html
    assert '<input type="hidden" name="category" value="anime">' in html
    assert 'href="/rss?languages=ja%2Cen&amp;category=anime&amp;sub_category=raw"' in html


def test_adult_checkbox_reflects_the_filter(client, torrents):
    torrents("Adult", category="hentai")
    hidden = client.get("/")
    assert page_titles(hidden) == []
    assert 'name="hide_adult" value="1" checked' in hidden.content.decode()
    shown = client.get("/", {"hide_adult": ["0"]})
    assert page_titles(shown) == ["Adult"]
    assert 'name="hide_adult" value="1">' in shown.content.decode()


def test_per_page_preference(client, torrents, alice):
    for number in range(4):
        torrents(f"Item {number}")
    alice.preferences = {"torrents_per_page": 25}
    alice.save()
    client.force_login(alice)
    assert len(page_titles(client.get("/"))) == 4
    assert len(page_titles(client.get("/", {"per_page": "2"}))) == 2


@pytest.mark.parametrize("signed_in", [False, True])
def test_home_query_count_is_bounded(client, torrents, alice, bob, signed_in, django_assert_max_num_queries):
    group = make_group(alice, "Subs", "subs")
    for number in range(80):
        torrents(f"Show {number:02d} (1080p)", uploader=bob if number % 2 else alice,
                 group=group if number % 3 else None, languages=["ja", "en"] if number % 2 else ["fr"],
                 sub_category="raw" if number % 4 else None)
    if signed_in:
        client.force_login(alice)
    client.get("/")  # fills the catalog cache
    for params in ({}, {"q": "show 1080p"}, {"q": "user:bob", "languages": "ja"}, {"page": "2", "sort": "size"}):
        with django_assert_max_num_queries(10):
            response = client.get("/", params)
        assert response.status_code == 200
        assert page_titles(response)


def test_cached_table_shows_new_uploads(client, torrents):
    torrents("First")
    assert page_titles(client.get("/")) == ["First"]
    torrents("Second")
    assert page_titles(client.get("/")) == ["Second", "First"]


def test_cached_table_is_reused(client, torrents, django_assert_max_num_queries):
    torrents("Cached")
    client.get("/", {"q": "cached"})
    # The form still needs the catalog, which is kept in the process: no search queries remain.
    with django_assert_max_num_queries(2):
        response = client.get("/", {"q": "cached"})
    assert page_titles(response) == ["Cached"]


def test_table_cache_can_be_turned_off(client, torrents, settings):
    settings.LISTING_CACHE_SECONDS = 0
    torrent = torrents("Counted", seeders=1)
    client.get("/")
    type(torrent).objects.filter(pk=torrent.pk).update(seeders=9)
    assert ">9</td>" in client.get("/").content.decode()
