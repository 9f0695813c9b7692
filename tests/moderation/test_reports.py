import pytest
from django.urls import reverse

from anirena.comments.services import post_comment
from anirena.moderation.models import AuditEvent, Report
from tests.community_factories import client_for, make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def torrent(uploader):
    return upload(uploader)


def test_report_torrent(torrent):
    reporter = make_user("reporter")
    reporter_client = client_for(reporter)
    form = reporter_client.get(reverse("moderation:report_torrent", args=[torrent.pk]))
    response = reporter_client.post(reverse("moderation:report_torrent", args=[torrent.pk]),
                                    {"reason": "fake", "details": "Contains an .exe"})
    report = Report.objects.get()
    assert form.status_code == 200
    assert response.status_code == 302
    assert (report.torrent, report.reporter, report.reason, report.status) == (torrent, reporter, "fake", "open")
    assert AuditEvent.objects.filter(tag="report:create").exists()


def test_report_comment(torrent):
    comment = post_comment(make_user("writer"), torrent, "buy pills")
    response = client_for(make_user("reporter")).post(reverse("moderation:report_comment", args=[comment.pk]),
                                                      {"reason": "spam"})
    assert response.status_code == 302
    assert Report.objects.get().comment == comment


def test_report_requires_reason(torrent):
    response = client_for(make_user("reporter")).post(reverse("moderation:report_torrent", args=[torrent.pk]), {})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_report_requires_login(client, torrent):
    response = client.post(reverse("moderation:report_torrent", args=[torrent.pk]), {"reason": "spam"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_second_report_joins_first(torrent):
    reporter_client = client_for(make_user("reporter"))
    url = reverse("moderation:report_torrent", args=[torrent.pk])
    reporter_client.post(url, {"reason": "fake", "details": "first"})
    reporter_client.post(url, {"reason": "fake", "details": "second"})
    report = Report.objects.get()
    assert "first" in report.details
    assert "second" in report.details


def test_staff_resolve_reports_in_admin(torrent):
    client_for(make_user("reporter")).post(reverse("moderation:report_torrent", args=[torrent.pk]), {"reason": "spam"})
    moderator = make_staff()
    staff_client = client_for(moderator)
    listing = staff_client.get(reverse("admin:moderation_report_changelist"))
    report = Report.objects.get()
    response = staff_client.post(reverse("admin:moderation_report_changelist"), {
        "action": "resolve_reports", "_selected_action": [report.pk], "note": "Removed the torrent.",
    })
    report.refresh_from_db()
    assert listing.status_code == 200
    assert torrent.title in listing.content.decode()
    assert response.status_code == 302
    assert (report.status, report.resolved_by, report.resolution_note) == ("resolved", moderator,
                                                                           "Removed the torrent.")
    assert AuditEvent.objects.filter(tag="report:resolved", actor=moderator).exists()


def test_resolved_reports_leave_open_list(torrent):
    client_for(make_user("reporter")).post(reverse("moderation:report_torrent", args=[torrent.pk]), {"reason": "spam"})
    Report.objects.update(status="dismissed")
    body = client_for(make_staff()).get(reverse("admin:moderation_report_changelist")).content.decode()
    assert torrent.title not in body


def test_user_cannot_open_reports_admin(torrent):
    response = client_for(make_user("reader")).get(reverse("admin:moderation_report_changelist"))
    assert response.status_code == 302
