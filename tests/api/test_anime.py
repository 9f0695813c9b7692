import pytest

from anirena.anime.importer import import_entries
from anirena.anime.models import Anime
from anirena.moderation.models import AuditEvent
from anirena.moderation.sitemode import Mode
from anirena.torrents.models import Torrent
from tests.api.conftest import client_for_user, error_of
from tests.community_factories import upload

pytestmark = pytest.mark.django_db

SEARCH_URL = "/api/v1/anime/search"
RESULT_FIELDS = {"id", "title", "anime_type", "episodes", "status", "season", "season_year", "picture", "thumbnail",
                 "duration_secs"}


@pytest.fixture
def entries(db):
    import_entries([
        {"sources": ["https://anidb.net/anime/8692"], "title": "Sword Art Online", "type": "TV", "episodes": 25,
         "status": "FINISHED", "animeSeason": {"season": "SUMMER", "year": 2012},
         "picture": "https://cdn.example.org/sao.jpg", "thumbnail": "https://cdn.example.org/sao-thumb.jpg",
         "duration": {"value": 1440, "unit": "SECONDS"}, "synonyms": ["SAO"]},
        {"sources": ["https://anidb.net/anime/9310"], "title": "Sword Art Online II", "synonyms": []},
        {"sources": ["https://anidb.net/anime/23"], "title": "Cowboy Bebop", "synonyms": []},
    ])
    return {anime.title: anime for anime in Anime.objects.all()}


def test_anime_search_without_authentication(anonymous, entries):
    response = anonymous.get(SEARCH_URL, {"q": "Sword Art Online", "page": 1, "per_page": 10})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "page", "per_page", "total_pages", "results"}
    assert (body["total"], body["page"], body["per_page"], body["total_pages"]) == (2, 1, 10, 1)
    first = body["results"][0]
    assert set(first) == RESULT_FIELDS
    assert first == {
        "id": str(entries["Sword Art Online"].pk), "title": "Sword Art Online", "anime_type": "TV", "episodes": 25,
        "status": "FINISHED", "season": "SUMMER", "season_year": 2012, "picture": "https://cdn.example.org/sao.jpg",
        "thumbnail": "https://cdn.example.org/sao-thumb.jpg", "duration_secs": 1440,
    }
    assert "X-New-Token" not in response


def test_anime_search_synonym_and_paging(anonymous, entries):
    assert [item["title"] for item in anonymous.get(SEARCH_URL, {"q": "sao"}).json()["results"]] == [
        "Sword Art Online"]
    page = anonymous.get(SEARCH_URL, {"q": "sword", "per_page": 1, "page": 2}).json()
    assert (page["total"], page["total_pages"], len(page["results"])) == (2, 2, 1)


def test_anime_search_defaults(anonymous, entries):
    body = anonymous.get(SEARCH_URL, {"q": "bebop"}).json()
    assert (body["page"], body["per_page"]) == (1, 10)


def test_anime_search_requires_q(anonymous, db):
    response = anonymous.get(SEARCH_URL)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["code"]) == ("q", "missing_field")


@pytest.mark.parametrize("per_page", ["0", "51", "ten"])
def test_anime_search_per_page_bounds(anonymous, db, per_page):
    response = anonymous.get(SEARCH_URL, {"q": "x", "per_page": per_page})
    assert response.status_code == 400
    assert error_of(response)["field"] == "per_page"


def test_anime_search_rate_limited_per_ip(anonymous, db, settings):
    settings.API_SEARCH_RATE_LIMIT = (2, 60)
    for _ in range(2):
        assert anonymous.get(SEARCH_URL, {"q": "x"}).status_code == 200
    response = anonymous.get(SEARCH_URL, {"q": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_anime_search_in_maintenance_is_503(anonymous, db, site_mode):
    site_mode(Mode.MAINTENANCE)
    assert anonymous.get(SEARCH_URL, {"q": "x"}).status_code == 503


# --- PUT /api/torrents/{id}/anime ---------------------------------------------------------------

def link_url(torrent_id) -> str:
    return f"/api/torrents/{torrent_id}/anime"


def test_uploader_links_and_unlinks(api, alice, entries):
    torrent = upload(alice)
    anime = entries["Cowboy Bebop"]
    response = api.put(link_url(torrent.pk), {"anime_id": str(anime.pk)})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "torrent_id": str(torrent.pk), "anime_id": str(anime.pk)}
    assert Torrent.objects.get(pk=torrent.pk).anime == anime
    assert AuditEvent.objects.filter(tag="torrent:anime:link").count() == 1
    response = api.put(link_url(torrent.pk), {"anime_id": None})
    assert response.json()["anime_id"] is None
    assert Torrent.objects.get(pk=torrent.pk).anime is None


def test_staff_links_others_torrent(alice, entries):
    torrent = upload(alice)
    _staff, staff_api = client_for_user("moderator", role="moderator")
    assert staff_api.put(link_url(torrent.pk), {"anime_id": str(entries["Cowboy Bebop"].pk)}).status_code == 200


def test_other_user_cannot_link(alice, entries):
    torrent = upload(alice)
    _bob, bob_api = client_for_user("bob")
    response = bob_api.put(link_url(torrent.pk), {"anime_id": str(entries["Cowboy Bebop"].pk)})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert Torrent.objects.get(pk=torrent.pk).anime is None


def test_link_unknown_torrent_is_404(api, entries):
    response = api.put(link_url("550e8400-e29b-41d4-a716-446655440000"), {"anime_id": str(entries["Cowboy Bebop"].pk)})
    assert response.status_code == 404


@pytest.mark.parametrize("anime_id", ["550e8400-e29b-41d4-a716-446655440000", "bebop"])
def test_link_unknown_anime_is_400(api, alice, anime_id):
    torrent = upload(alice)
    response = api.put(link_url(torrent.pk), {"anime_id": anime_id})
    assert response.status_code == 400
    assert error_of(response)["field"] == "anime_id"


def test_link_needs_anime_id_field(api, alice):
    torrent = upload(alice)
    response = api.put(link_url(torrent.pk), {})
    assert response.status_code == 400
    assert error_of(response)["code"] == "missing_field"


def test_link_without_token_is_401(anonymous, alice):
    torrent = upload(alice)
    assert anonymous.put(link_url(torrent.pk), {"anime_id": None}).status_code == 401


def test_link_in_read_only_is_503(api, alice, entries, site_mode):
    torrent = upload(alice)
    site_mode(Mode.READ_ONLY)
    response = api.put(link_url(torrent.pk), {"anime_id": str(entries["Cowboy Bebop"].pk)})
    assert response.status_code == 503
    assert error_of(response)["code"] == "read_only"
