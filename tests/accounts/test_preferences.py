import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from anirena.accounts.preferences import get_preferences

pytestmark = pytest.mark.django_db


def save(client, **fields):
    return client.post(reverse("accounts:preferences"), fields, HTTP_HX_REQUEST="true")


def test_anonymous_pages_use_defaults(client):
    body = client.get(reverse("core:guide")).content.decode()
    assert 'data-theme="auto"' in body
    assert 'data-font-size="medium"' in body


def test_save_one_field_by_htmx(alice_client, alice):
    response = save(alice_client, theme="dark")
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert response["HX-Refresh"] == "true"
    alice.refresh_from_db()
    assert alice.preferences["theme"] == "dark"
    assert 'data-theme="dark"' in alice_client.get(reverse("core:guide")).content.decode()


def test_list_preferences_do_not_reload(alice_client, alice):
    response = save(alice_client, torrents_per_page="25")
    assert not response.has_header("HX-Refresh")
    response = save(alice_client, show_adult="true")
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.preferences["torrents_per_page"] == 25
    assert alice.preferences["show_adult"] is True


@pytest.mark.parametrize("field, value", [
    ("theme", "neon"), ("torrents_per_page", "100000"), ("language", "de"), ("show_adult", "maybe"),
    ("font_size", "<script>"),
])
def test_invalid_values_rejected(alice_client, alice, field, value):
    response = save(alice_client, **{field: value})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert field not in alice.preferences


def test_unknown_field_ignored(alice_client, alice):
    save(alice_client, is_staff="true")
    alice.refresh_from_db()
    assert alice.preferences == {}
    assert not alice.is_staff


def test_language_applies_to_every_page(alice_client):
    response = save(alice_client, language="ja")
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ja"
    body = alice_client.get(reverse("core:guide")).content.decode()
    assert '<html lang="ja"' in body


def test_form_post_without_javascript(alice_client, alice):
    response = alice_client.post(reverse("accounts:preferences"),
                                 {"theme": "light", "font_size": "large", "color_scheme": "teal",
                                  "detail_view": "page"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.preferences == {"theme": "light", "font_size": "large", "color_scheme": "teal",
                                 "detail_view": "page"}
    body = alice_client.get(reverse("core:guide")).content.decode()
    assert 'data-font-size="large"' in body
    assert 'data-color-scheme="teal"' in body


def test_stored_garbage_falls_back_to_defaults(alice):
    alice.preferences = {"theme": "neon", "torrents_per_page": "many"}
    alice.save(update_fields=["preferences"])

    class Request:
        user = alice

    prefs = get_preferences(Request())
    assert prefs["theme"] == "auto"
    assert prefs["torrents_per_page"] == django_settings.TORRENTS_PER_PAGE


def test_settings_panel_lists_every_preference(alice_client):
    body = alice_client.get(reverse("accounts:profile")).content.decode()
    for name in ("theme", "font_size", "color_scheme", "language", "show_adult", "torrents_per_page", "detail_view"):
        assert f'name="{name}"' in body
    assert 'hx-trigger="change"' in body
