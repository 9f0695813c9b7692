"""PageCache: whole pages for visitors without cookies, kept for a few seconds in front of Django."""

import asyncio

import pytest

from anirena.core.page_cache import MAX_BODY_BYTES, PageCache

HOME = "/"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site:
    """An ASGI app that counts its calls and responds with the headers a test sets."""

    def __init__(self) -> None:
        self.calls = 0
        self.status = 200
        self.headers = [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept-Language, Cookie")]
        self.body = b"page"

    async def __call__(self, scope, receive, send) -> None:
        self.calls += 1
        language = dict(scope["headers"]).get(b"accept-language", b"-")
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body + b" " + language + b" %d" % self.calls})


def request(cache, path=HOME, *, method="GET", headers=(), query=b"") -> tuple[int, dict, bytes]:
    scope = {"type": "http", "scheme": "http", "method": method, "path": path, "query_string": query,
             "headers": list(headers)}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(cache(scope, receive, send))
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(message.get("body", b"") for message in sent[1:])


@pytest.fixture
def site():
    return Site()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def cache(site, clock):
    return PageCache(site, 10, clock=clock)


def test_second_request_comes_from_cache(cache, site, clock):
    first = request(cache)
    clock.now += 3
    second = request(cache)

    assert site.calls == 1
    assert first[2] == second[2] == b"page - 1"
    assert second[1][b"age"] == b"3"


def test_page_expires(cache, site, clock):
    request(cache)
    clock.now += 10

    assert request(cache)[2] == b"page - 2"


@pytest.mark.parametrize("header", [b"cookie", b"authorization", b"if-none-match", b"if-modified-since"])
def test_requests_with_bypass_headers_run_the_site(cache, site, header):
    request(cache)
    request(cache, headers=[(header, b"x")])

    assert site.calls == 2


@pytest.mark.parametrize("path", ["/upload", "/api/v1/torrents/search", "/torrents/1.torrent", "/account/login"])
def test_other_paths_are_not_cached(cache, site, path):
    request(cache, path)
    request(cache, path)

    assert site.calls == 2


def test_torrent_page_and_feed_are_cached(cache, site):
    for path in ("/rss", "/torrents/0f0e2c4a-8f5b-4a4e-9d7e-3b1f2a6c9d10"):
        request(cache, path)
        request(cache, path)

    assert site.calls == 2


def test_post_runs_the_site(cache, site):
    request(cache, method="POST")
    request(cache, method="POST")

    assert site.calls == 2


def test_query_string_is_part_of_the_key(cache, site):
    request(cache, query=b"q=a")
    request(cache, query=b"q=b")
    request(cache, query=b"q=a")

    assert site.calls == 2


def test_each_host_has_its_own_pages(cache, site):
    main = request(cache, headers=[(b"host", b"anirena.example")])
    group = request(cache, headers=[(b"host", b"subs.anirena.example")])
    main_again = request(cache, headers=[(b"host", b"anirena.example")])

    assert site.calls == 2
    assert main[2] == main_again[2] == b"page - 1"
    assert group[2] == b"page - 2"


def test_pages_vary_on_response_vary_headers(cache, site):
    japanese = request(cache, headers=[(b"accept-language", b"ja")])
    french = request(cache, headers=[(b"accept-language", b"fr")])
    japanese_again = request(cache, headers=[(b"accept-language", b"ja")])

    assert site.calls == 2
    assert japanese[2] == japanese_again[2] == b"page ja 1"
    assert french[2] == b"page fr 2"


@pytest.mark.parametrize(
    "status, header",
    [
        (200, (b"set-cookie", b"csrftoken=abc")),
        (200, (b"cache-control", b"private")),
        (200, (b"cache-control", b"no-store")),
        (200, (b"vary", b"*")),
        (302, (b"location", b"/")),
        (404, (b"x-any", b"1")),
    ],
)
def test_unshareable_responses_are_not_kept(cache, site, status, header):
    site.status = status
    site.headers = [*site.headers, header]
    request(cache)
    request(cache)

    assert site.calls == 2


def test_head_is_answered_from_a_kept_page(cache, site):
    request(cache)
    status, headers, body = request(cache, method="HEAD")

    assert site.calls == 1
    assert (status, body) == (200, b"")
    assert headers[b"content-type"] == b"text/html; charset=utf-8"


def test_large_bodies_are_not_kept(cache, site):
    site.body = b"x" * (MAX_BODY_BYTES + 1)
    request(cache)
    request(cache)

    assert site.calls == 2


def test_least_recently_used_pages_go_first(site, clock):
    cache = PageCache(site, 10, max_bytes=700, clock=clock)  # room for two pages
    request(cache, query=b"page=1")
    request(cache, query=b"page=2")
    request(cache, query=b"page=1")
    request(cache, query=b"page=3")
    calls = site.calls
    request(cache, query=b"page=1")
    assert site.calls == calls
    request(cache, query=b"page=2")

    assert site.calls == calls + 1


def test_zero_seconds_turns_the_cache_off(site, clock):
    cache = PageCache(site, 0, clock=clock)
    request(cache)
    request(cache)

    assert site.calls == 2


# --- The site's pages ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_visitor_pages_set_no_cookie(client):
    response = client.get("/")

    assert response.status_code == 200
    assert not response.cookies
    assert b"X-CSRFToken" not in response.content


@pytest.mark.django_db
def test_signed_in_pages_carry_the_csrf_token(client, django_user_model):
    from tests.factories import make_user

    user = make_user("cached-reader")
    client.force_login(user)
    response = client.get("/")

    assert b"X-CSRFToken" in response.content
