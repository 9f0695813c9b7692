import pytest
from django.test import Client

from anirena.moderation.sitemode import Mode
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

ROUTES = {
    ("/api/v1/auth/token", "post"), ("/api/v1/auth/login", "post"), ("/api/v1/torrents", "post"),
    ("/api/v1/torrents/search", "post"), ("/api/v1/torrent/{id}", "get"), ("/api/v1/torrents/{id}/comments", "get"),
    ("/api/torrents/{id}/anime", "put"), ("/api/v1/anime/search", "get"), ("/api/v1/groups", "get"),
    ("/api/v1/groups/{id_or_slug}", "get"),
}


def test_openapi_schema_lists_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    published = {(path, method) for path, methods in schema["paths"].items() for method in methods}
    assert published == ROUTES
    upload = schema["paths"]["/api/v1/torrents"]["post"]
    assert {"200", "400", "401", "403", "409", "422", "429", "503"} <= set(upload["responses"])
    assert "422" not in schema["paths"]["/api/v1/torrents/search"]["post"]["responses"]


def test_interactive_docs_served_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/openapi.json" in page
    assert "cdn." not in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_api_guide_page(client, settings):
    response = client.get("/guide/api")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("/api/v1/auth/token", "/api/v1/auth/login", "/api/v1/torrents/search", "/api/v1/torrent/",
                 "/api/torrents/{id}/anime", "X-New-Token", "BASE_URL", "/api/v1/docs", "YYYY-MM-DD HH:MM"):
        assert text in page, text


def test_unknown_api_path_is_json_404(client):
    for path in ("/api/v1/nothing-here", "/api/v2/torrents", "/api/v1/torrents/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405(client):
    assert client.get("/api/v1/torrents/search").status_code == 405


def test_maintenance_answer_has_api_shape(client, site_mode):
    site_mode(Mode.MAINTENANCE, message="Back soon.")
    response = client.post("/api/v1/torrents/search", data="{}", content_type="application/json")
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "maintenance"
    assert "Back soon." in error["message"]
    assert response["Retry-After"]


def test_maintenance_with_staff_session_still_503(site_mode):
    # A staff browser session gets past the site's maintenance page, but cookies do not count in the API.
    from tests.community_factories import make_staff

    client = Client()
    client.force_login(make_staff())
    site_mode(Mode.MAINTENANCE)
    response = client.get("/api/v1/anime/search", {"q": "x"})
    assert response.status_code == 503
    assert error_of(response)["code"] == "maintenance"


def test_reads_work_in_read_only_mode(api, site_mode):
    site_mode(Mode.READ_ONLY)
    assert api.post("/api/v1/torrents/search", {}).status_code == 200
    assert api.get("/api/v1/groups").status_code == 200


def test_unexpected_error_is_json_500(api, monkeypatch, caplog):
    from anirena.api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "group_list", broken)
    response = api.get("/api/v1/groups")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "database on fire" not in error["message"]
    assert "GET /api/v1/groups failed" in caplog.text
