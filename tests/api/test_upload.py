import base64
import json

import pytest
from django.test import Client

from anirena.accounts.bans import ban_user
from anirena.accounts.models import BlockedNetwork
from anirena.anime.importer import import_entries
from anirena.anime.models import Anime
from anirena.moderation.models import AuditEvent, BannedPattern
from anirena.moderation.sitemode import Mode
from anirena.torrents.models import Torrent
from tests.api.conftest import ApiClient, client_for_user, error_of, torrent_b64
from tests.community_factories import add_member, make_group
from tests.factories import libtorrent_hashes, make_torrent, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/torrents"


def upload_body(**fields) -> dict:
    body = {"torrent": torrent_b64(), "category": "anime"}
    body.update(fields)
    return body


def audit_events(tag: str) -> list:
    return list(AuditEvent.objects.filter(tag=tag).order_by("created_at", "pk"))


# --- Success --------------------------------------------------------------------------------------

def test_upload_stores_torrent(api, alice, alice_token):
    data = make_torrent(name="My Release - 01 (1080p)")
    response = api.post(URL, {"torrent": base64.b64encode(data).decode(), "category": "anime",
                              "sub_category": "raw", "languages": ["ja"],
                              "description": "# My Release\n\nRelease notes here.", "is_private": False})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ok", "id", "name", "info_hash_v1", "info_hash_v2"}
    assert body["ok"] is True
    assert body["name"] == "My Release - 01 (1080p).mkv"
    assert (body["info_hash_v1"], body["info_hash_v2"]) == libtorrent_hashes(data)
    assert response["X-New-Token"] == alice_token
    torrent = Torrent.objects.get(pk=body["id"])
    assert torrent.uploader == alice
    assert torrent.sub_category.slug == "raw"
    assert [language.code for language in torrent.languages.all()] == ["ja"]
    assert torrent.description.startswith("# My Release")
    assert torrent.comments_enabled is True


def test_upload_all_optional_fields(api, alice):
    group = make_group(alice, name="Alice Subs")
    import_entries([{"sources": ["https://anidb.net/anime/9"], "title": "Cowboy Bebop", "synonyms": []}])
    anime = Anime.objects.get()
    response = api.post(URL, upload_body(
        name="Cowboy Bebop - 01 [Alice Subs]", sub_category="sub-audio", languages=["en", "ja"],
        group_id=group.pk, description="Notes", comment="Encoded by Alice", is_private=True,
        comments_enabled=False, anime_id=str(anime.pk), announce="udp://tracker.example.org:6969/announce",
        trackers="http://a.example.org/announce\nhttp://b.example.org/announce\n\nhttp://c.example.org/announce",
    ))
    assert response.status_code == 200, response.json()
    torrent = Torrent.objects.get(pk=response.json()["id"])
    assert torrent.title == "Cowboy Bebop - 01 [Alice Subs]"
    assert torrent.group == group
    assert torrent.anime == anime
    assert torrent.comment == "Encoded by Alice"
    assert torrent.is_private is True
    assert torrent.comments_enabled is False
    tiers = torrent.tracker_tiers
    assert tiers[0] == ["udp://tracker.example.org:6969/announce"]
    assert ["http://a.example.org/announce", "http://b.example.org/announce"] in tiers
    assert tiers[-1] == ["http://c.example.org/announce"]


@pytest.mark.parametrize("as_given", ["number", "numeric string", "slug"])
def test_upload_group_id_forms(api, alice, as_given):
    group = make_group(alice, name="Alice Subs")
    value = {"number": group.pk, "numeric string": str(group.pk), "slug": group.slug}[as_given]
    response = api.post(URL, upload_body(group_id=value))
    assert response.status_code == 200, response.json()
    assert Torrent.objects.get(pk=response.json()["id"]).group == group


def test_upload_group_of_member(api, alice):
    owner = make_user("owner")
    group = make_group(owner, name="Owner Subs")
    add_member(group, alice)
    assert api.post(URL, upload_body(group_id=group.slug)).status_code == 200


def test_upload_null_optional_fields(api):
    body = upload_body(name=None, sub_category=None, languages=None, group_id=None, description=None,
                       comment=None, is_private=None, comments_enabled=None, anime_id=None, announce=None,
                       trackers=None, test=None)
    response = api.post(URL, body)
    assert response.status_code == 200
    assert Torrent.objects.get(pk=response.json()["id"]).comments_enabled is True


def test_upload_ignores_unknown_fields(api):
    response = api.post(URL, upload_body(release_notes="not a field", tags=["x"]))
    assert response.status_code == 200


def test_upload_base64_variants(api):
    raw = make_torrent()
    wrapped = base64.encodebytes(raw).decode()  # 76-character lines, as the base64 tool writes
    assert api.post(URL, upload_body(torrent=wrapped)).status_code == 200
    urlsafe = base64.urlsafe_b64encode(make_torrent()).decode().rstrip("=")
    assert api.post(URL, upload_body(torrent=urlsafe)).status_code == 200


def test_dry_run_stores_nothing(api, alice):
    data = make_torrent(name="Dry Run Release")
    response = api.post(URL, upload_body(torrent=base64.b64encode(data).decode(), test=True))
    assert response.status_code == 200
    body = response.json()
    assert body == {"ok": True, "test": True, "name": "Dry Run Release.mkv",
                    "info_hash_v1": libtorrent_hashes(data)[0], "info_hash_v2": libtorrent_hashes(data)[1]}
    assert Torrent.objects.count() == 0
    [event] = audit_events("api:upload:ok")
    assert event.payload["test"] is True
    assert event.actor == alice


def test_dry_run_then_upload(api):
    body = upload_body()
    assert api.post(URL, {**body, "test": True}).status_code == 200
    assert api.post(URL, body).status_code == 200
    assert Torrent.objects.count() == 1


def test_upload_audited(api, alice):
    response = api.post(URL, upload_body())
    [event] = audit_events("api:upload:ok")
    assert event.actor == alice
    assert event.payload["torrent"] == response.json()["id"]
    assert event.payload["test"] is False


# --- 400: malformed requests --------------------------------------------------------------------

def test_invalid_base64_is_400(api):
    response = api.post(URL, upload_body(torrent="this is not base64!"))
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "torrent"
    assert error["code"] == "invalid_base64"
    [event] = audit_events("api:upload:rejected")
    assert event.payload["code"] == "invalid_base64"


def test_bad_base64_padding_is_400(api):
    response = api.post(URL, upload_body(torrent="abcde"))
    assert response.status_code == 400
    assert error_of(response)["field"] == "torrent"


@pytest.mark.parametrize("missing", ["torrent", "category"])
def test_missing_required_field_is_400(api, missing):
    body = upload_body()
    del body[missing]
    response = api.post(URL, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "missing_field"
    assert error["field"] == missing
    assert error["message"] == f"Invalid request body or missing required field: {missing} is required."
    [event] = audit_events("api:upload:rejected")
    assert event.payload["code"] == "missing_field"


@pytest.mark.parametrize("field, value", [
    ("torrent", 12), ("category", ["anime"]), ("languages", "ja"), ("is_private", "perhaps"),
    ("comments_enabled", {"yes": 1}), ("group_id", True), ("test", [1]),
])
def test_wrong_types_are_400_not_422(api, field, value):
    response = api.post(URL, upload_body(**{field: value}))
    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_body_not_json_is_400(api):
    response = api.post(URL, raw="{torrent: nope")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_body_not_object_is_400(api):
    response = api.post(URL, raw="[1, 2, 3]")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_field"


def test_empty_body_is_400(api):
    response = api.post(URL, raw="")
    assert response.status_code == 400
    assert error_of(response)["code"] == "missing_field"


def test_unknown_category_is_400(api):
    response = api.post(URL, upload_body(category="cartoons"))
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "category"
    assert error["code"] == "invalid_category"
    assert "anime" in error["message"]


def test_sub_category_of_other_category_is_400(api):
    response = api.post(URL, upload_body(category="manga", sub_category="raw-video"))
    assert response.status_code == 400
    assert error_of(response)["field"] == "sub_category"


def test_unknown_language_is_400(api):
    response = api.post(URL, upload_body(languages=["ja", "xx-nope"]))
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "languages"
    assert "xx-nope" in error["message"]


@pytest.mark.parametrize("group_id", ["no-such-group", 999999, "999999", 2**70])
def test_unknown_group_is_400(api, group_id):
    response = api.post(URL, upload_body(group_id=group_id))
    assert response.status_code == 400
    assert error_of(response)["field"] == "group_id"


def test_group_of_non_member_is_400(api):
    group = make_group(make_user("owner"), name="Other Subs")
    response = api.post(URL, upload_body(group_id=group.pk))
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_group"


@pytest.mark.parametrize("anime_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_anime_is_400(api, anime_id):
    response = api.post(URL, upload_body(anime_id=anime_id))
    assert response.status_code == 400
    assert error_of(response)["field"] == "anime_id"


def test_description_limit(api):
    assert api.post(URL, upload_body(description="x" * 65535)).status_code == 200
    response = api.post(URL, upload_body(description="x" * 65536))
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "description"
    assert "65535" in error["message"]


def test_invalid_tracker_url_is_400(api):
    response = api.post(URL, upload_body(trackers="ftp://tracker.example.org/announce"))
    assert response.status_code == 400
    assert error_of(response)["field"] == "trackers"


def test_request_too_large_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api.post(URL, upload_body(description="y" * 4096))
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


# --- 401, 403 ----------------------------------------------------------------------------------------

def test_upload_without_token_is_401(anonymous):
    response = anonymous.post(URL, upload_body())
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert audit_events("api:upload:rejected") == []


def test_upload_by_banned_account_is_403(api, alice):
    ban_user(alice, "fake releases")
    response = api.post(URL, upload_body())
    assert response.status_code == 403
    assert error_of(response)["code"] == "banned"
    assert Torrent.objects.count() == 0
    [event] = audit_events("api:upload:rejected")
    assert event.actor == alice
    assert event.payload["code"] == "banned"


def test_upload_from_blocked_ip_is_403(api):
    BlockedNetwork.objects.create(network="127.0.0.0/24", reason="test")
    response = api.post(URL, upload_body())
    assert response.status_code == 403
    assert error_of(response)["code"] == "ip_blocked"
    [event] = audit_events("api:upload:rejected")
    assert event.payload["status"] == 403


# --- 409, 422 ------------------------------------------------------------------------------------

def test_duplicate_is_409_with_existing_id(api):
    body = upload_body()
    first = api.post(URL, body).json()["id"]
    response = api.post(URL, body)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "duplicate"
    assert error["existing_id"] == first
    [event] = audit_events("api:upload:rejected")
    assert event.payload["code"] == "duplicate"


def test_duplicate_dry_run_is_409(api):
    body = upload_body()
    api.post(URL, body)
    assert api.post(URL, {**body, "test": True}).status_code == 409


def test_missing_site_tracker_is_422(api):
    response = api.post(URL, upload_body(torrent=torrent_b64(site_tracker=False)))
    assert response.status_code == 422
    assert error_of(response)["code"] == "missing_site_tracker"


def test_site_tracker_given_as_announce_is_accepted(api, settings):
    data = torrent_b64(site_tracker=False)
    response = api.post(URL, upload_body(torrent=data, announce=settings.ANNOUNCE_URLS[0]))
    assert response.status_code == 200


@pytest.mark.parametrize("payload", [b"not bencoded at all", b"d4:infod4:name1:xee", b"de"])
def test_invalid_torrent_is_422(api, payload):
    response = api.post(URL, upload_body(torrent=base64.b64encode(payload).decode()))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_torrent"
    assert error["field"] == "torrent"


def test_banned_pattern_is_422(api):
    BannedPattern.objects.create(pattern="forbidden show", reason="licensed in your region")
    response = api.post(URL, upload_body(name="Forbidden Show - 01"))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "banned_content"
    assert "licensed in your region" in error["message"]
    dry = api.post(URL, upload_body(name="Forbidden Show - 02", test=True))
    assert dry.status_code == 422
    codes = [event.payload["code"] for event in audit_events("api:upload:rejected")]
    assert codes == ["banned_content", "banned_content"]
    assert audit_events("api:upload:rejected")[1].payload["test"] is True


# --- 429, 503 ---------------------------------------------------------------------------------------

def test_upload_rate_limit_per_key(api, settings):
    settings.API_UPLOAD_RATE_LIMIT = (2, 3600)
    assert api.post(URL, upload_body()).status_code == 200
    assert api.post(URL, upload_body(test=True)).status_code == 200  # dry runs are not counted
    assert api.post(URL, upload_body()).status_code == 200
    response = api.post(URL, upload_body())
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Torrent.objects.count() == 2
    [event] = audit_events("api:upload:rejected")
    assert event.payload["code"] == "rate_limited"
    # Another key has its own budget.
    _bob, bob_api = client_for_user("bob")
    assert bob_api.post(URL, upload_body()).status_code == 200


def test_upload_in_read_only_mode_is_503(api, site_mode):
    site_mode(Mode.READ_ONLY, message="Moving servers.")
    response = api.post(URL, upload_body())
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "read_only"
    assert "Moving servers." in error["message"]
    assert response["Retry-After"]
    assert Torrent.objects.count() == 0


def test_upload_in_maintenance_is_503(api, site_mode):
    site_mode(Mode.MAINTENANCE)
    response = api.post(URL, upload_body())
    assert response.status_code == 503
    assert error_of(response)["code"] == "maintenance"


def test_staff_upload_in_maintenance_is_503(site_mode):
    _staff, staff_api = client_for_user("moderator", role="moderator")
    site_mode(Mode.MAINTENANCE)
    assert staff_api.post(URL, upload_body()).status_code == 503


def test_guide_python_sample_body(api):
    # The body of the guide's upload example, sent as requests would send it.
    raw = json.dumps({"torrent": torrent_b64(), "category": "anime", "sub_category": "raw", "languages": ["ja"],
                      "description": "# My Release\n\nRelease notes here.", "is_private": False})
    response = ApiClient(api.token).post(URL, raw=raw)
    assert response.status_code == 200
    assert Client().get(f"/torrents/{response.json()['id']}.torrent").status_code == 200
