import io

import pytest
from django.urls import reverse

from anirena.anime.importer import import_entries
from anirena.anime.models import Anime
from anirena.moderation.models import AuditEvent
from anirena.torrents.models import Torrent
from tests.community_factories import client_for, make_staff, upload
from tests.factories import make_torrent, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bebop(db):
    import_entries([{"sources": ["https://anidb.net/anime/23"], "title": "Cowboy Bebop", "type": "TV",
                     "episodes": 26, "synonyms": ["カウボーイビバップ"]}])
    return Anime.objects.get()


def test_anime_page_lists_linked_torrents(client, uploader, bebop):
    torrent = upload(uploader, name="[Group] Cowboy Bebop - 01 [1080p]", anime_id=str(bebop.pk))
    response = client.get(bebop.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cowboy Bebop" in body
    assert torrent.get_absolute_url() in body


def test_anime_page_unknown_id_404(client, db):
    assert client.get("/anime/00000000-0000-0000-0000-000000000000").status_code == 404


def test_picker_search_returns_buttons(client, bebop):
    response = client.get(reverse("anime:search"), {"q": "bebop", "picker": "1"})
    assert response.status_code == 200
    assert reverse("anime:pick", args=[bebop.pk]) in response.content.decode()


def test_search_page_lists_results(client, bebop):
    response = client.get(reverse("anime:search"), {"q": "カウボーイ"})
    assert bebop.get_absolute_url() in response.content.decode()


def test_pick_returns_hidden_input(client, bebop):
    response = client.get(reverse("anime:pick", args=[bebop.pk]))
    assert f'name="anime" value="{bebop.pk}"' in response.content.decode()


def test_upload_form_links_anime(uploader_client, bebop):
    upload_file = io.BytesIO(make_torrent())
    upload_file.name = "release.torrent"
    response = uploader_client.post(reverse("torrents:upload"), {
        "torrent": upload_file, "category": "anime", "comments_enabled": "on", "anime": str(bebop.pk),
    })
    assert response.status_code == 302
    assert Torrent.objects.get().anime == bebop


def test_upload_form_rejects_unknown_anime(uploader_client, bebop):
    upload_file = io.BytesIO(make_torrent())
    upload_file.name = "release.torrent"
    response = uploader_client.post(reverse("torrents:upload"), {
        "torrent": upload_file, "category": "anime", "anime": "00000000-0000-0000-0000-000000000000",
    })
    assert response.status_code == 400
    assert "No anime entry has the id" in response.content.decode()
    assert Torrent.objects.count() == 0


def test_panel_shows_suggestion_to_uploader_only(uploader, bebop):
    torrent = upload(uploader, name="[Group] Cowboy Bebop - 05 [720p]")
    uploader_page = client_for(uploader).get(torrent.get_absolute_url()).content.decode()
    visitor_page = client_for(make_user("visitor")).get(torrent.get_absolute_url()).content.decode()
    assert "Suggested from the release name" in uploader_page
    assert f'name="anime" value="{bebop.pk}"' in uploader_page
    assert "Report this torrent" in visitor_page
    assert "Suggested from the release name" not in visitor_page


def test_uploader_links_suggestion(client, uploader, bebop):
    torrent = upload(uploader, name="[Group] Cowboy Bebop - 05 [720p]")
    client.force_login(uploader)
    response = client.post(reverse("anime:link", args=[torrent.pk]), {"anime": str(bebop.pk)}, HTTP_HX_REQUEST="true")
    torrent.refresh_from_db()
    assert response.status_code == 200
    assert torrent.anime == bebop
    assert bebop.get_absolute_url() in response.content.decode()
    assert AuditEvent.objects.filter(tag="torrent:anime:link").exists()


def test_staff_can_unlink(client, uploader, bebop):
    torrent = upload(uploader, anime_id=str(bebop.pk))
    client.force_login(make_staff())
    client.post(reverse("anime:link", args=[torrent.pk]), {"anime": ""})
    torrent.refresh_from_db()
    assert torrent.anime is None


def test_other_user_cannot_link(client, uploader, bebop):
    torrent = upload(uploader)
    client.force_login(make_user("stranger"))
    response = client.post(reverse("anime:link", args=[torrent.pk]), {"anime": str(bebop.pk)})
    torrent.refresh_from_db()
    assert response.status_code == 404
    assert torrent.anime is None


def test_link_unknown_anime_shows_error(client, uploader, bebop):
    torrent = upload(uploader)
    client.force_login(uploader)
    response = client.post(reverse("anime:link", args=[torrent.pk]),
                           {"anime": "00000000-0000-0000-0000-000000000000"}, HTTP_HX_REQUEST="true")
    torrent.refresh_from_db()
    assert "No anime entry has that id." in response.content.decode()
    assert torrent.anime is None
