import io
import json

import pytest
from django.urls import reverse

from anirena.comments.models import Comment
from anirena.moderation.models import AuditEvent, SiteSettings
from anirena.moderation.sitemode import Mode, SiteReadOnly, current_mode, require_writable
from anirena.torrents.models import Torrent
from tests.community_factories import client_for, make_staff, upload
from tests.factories import make_torrent, make_user

pytestmark = pytest.mark.django_db


def test_mode_defaults_to_normal(db):
    assert current_mode() == Mode.NORMAL
    require_writable()


def test_switch_records_audit_and_applies_at_once(site_mode):
    admin = make_user("boss", role="admin")
    site_mode(Mode.READ_ONLY, actor=admin)
    assert current_mode() == Mode.READ_ONLY
    assert AuditEvent.objects.filter(tag="site:mode", actor=admin, payload__mode="read_only").exists()
    with pytest.raises(SiteReadOnly):
        require_writable()


def test_read_only_keeps_browsing_and_downloads(client, site_mode, uploader):
    torrent = upload(uploader)
    site_mode(Mode.READ_ONLY)
    assert client.get(reverse("torrents:home")).status_code == 200
    assert client.get(torrent.get_absolute_url()).status_code == 200
    assert client.get(reverse("torrents:download", args=[torrent.pk])).status_code == 200


def test_read_only_refuses_upload(site_mode, uploader):
    site_mode(Mode.READ_ONLY, message="Back at 18:00 UTC.")
    upload_client = client_for(uploader)
    page = upload_client.get(reverse("torrents:upload"))
    data = io.BytesIO(make_torrent())
    data.name = "release.torrent"
    response = upload_client.post(reverse("torrents:upload"), {"torrent": data, "category": "anime"})
    assert page.status_code == 503
    assert "read-only" in page.content.decode()
    assert "Back at 18:00 UTC." in page.content.decode()
    assert response.status_code == 503
    assert Torrent.objects.count() == 0


def test_read_only_refuses_comments(site_mode, uploader):
    torrent = upload(uploader)
    site_mode(Mode.READ_ONLY)
    reader = client_for(make_user("reader"))
    page = reader.post(reverse("comments:create", args=[torrent.pk]), {"body": "hello"})
    fragment = reader.post(reverse("comments:create", args=[torrent.pk]), {"body": "hello"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 503
    assert "read-only" in fragment.content.decode()
    assert Comment.objects.count() == 0


def test_read_only_refuses_sign_up(client, site_mode):
    site_mode(Mode.READ_ONLY)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 503
    assert "sign-ups" in response.content.decode()


def test_read_only_exception_becomes_api_json(rf, site_mode):
    from anirena.moderation.middleware import SiteModeMiddleware

    site_mode(Mode.READ_ONLY)
    middleware = SiteModeMiddleware(lambda request: None)
    response = middleware.process_exception(rf.post("/api/v1/torrents"), SiteReadOnly())
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "read_only"


def test_maintenance_page_for_visitors(client, site_mode):
    site_mode(Mode.MAINTENANCE, message="Database upgrade.")
    response = client.get(reverse("torrents:home"))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Database upgrade." in response.content.decode()


def test_maintenance_api_answers_json(client, site_mode):
    site_mode(Mode.MAINTENANCE)
    response = client.get("/api/v1/torrents/search")
    assert response.status_code == 503
    assert response.json()["code"] == "maintenance"


@pytest.mark.parametrize("path", ["/healthz", "/admin/login/", "/account/login"])
def test_maintenance_keeps_paths_reachable(client, site_mode, path):
    site_mode(Mode.MAINTENANCE)
    response = client.get(path)
    assert "Down for maintenance" not in response.content.decode()


def test_maintenance_lets_staff_in(site_mode, uploader):
    torrent = upload(uploader)
    site_mode(Mode.MAINTENANCE)
    staff = client_for(make_staff())
    assert staff.get(reverse("torrents:home")).status_code == 200
    assert staff.post(reverse("comments:create", args=[torrent.pk]), {"body": "testing"}).status_code == 302


def test_maintenance_blocks_signed_in_user(site_mode):
    site_mode(Mode.MAINTENANCE)
    assert client_for(make_user("reader")).get(reverse("torrents:home")).status_code == 503


def test_admin_switches_mode(site_mode):
    boss = make_user("boss", role="admin")
    admin_client = client_for(boss)
    response = admin_client.post(reverse("admin:moderation_sitesettings_add"),
                                 {"mode": "read_only", "message": "Moving servers."})
    assert response.status_code == 302
    assert current_mode() == Mode.READ_ONLY
    assert SiteSettings.objects.get().updated_by == boss
    assert AuditEvent.objects.filter(tag="site:mode", actor=boss).exists()


def test_moderator_cannot_switch_mode(site_mode):
    moderator = client_for(make_staff())
    response = moderator.post(reverse("admin:moderation_sitesettings_add"), {"mode": "maintenance"})
    assert response.status_code == 403
    assert current_mode() == Mode.NORMAL
