"""Reports of torrents and comments by users, and their resolution by staff."""

from django.utils import timezone

from anirena.moderation import audit
from anirena.moderation.models import Report


def file_report(user, *, reason: str, details: str = "", torrent=None, comment=None, request=None) -> tuple[Report, bool]:
    """Record a report of a torrent or a comment; return (report, created).

    A user who reports the same thing again while their first report is open gets that
    report back, with the new details added, instead of a second row for staff to read.
    """
    if (torrent is None) == (comment is None):
        raise ValueError("report exactly one of a torrent or a comment")
    existing = Report.objects.filter(reporter=user, torrent=torrent, comment=comment, status=Report.Status.OPEN).first()
    if existing is not None:
        if details and details not in existing.details:
            existing.details = f"{existing.details}\n\n{details}".strip()[:2000]
            existing.save(update_fields=["details"])
        return existing, False
    report = Report.objects.create(reporter=user, torrent=torrent, comment=comment, reason=reason, details=details)
    audit.record("report:create", request=request, actor=user, report=report.pk, reason=reason,
                 torrent=str(torrent.pk) if torrent else None, comment=str(comment.pk) if comment else None)
    return report, True


def close_reports(reports, status: str, *, actor, note: str = "", request=None) -> int:
    """Mark open reports resolved or dismissed; return how many changed."""
    if status not in (Report.Status.RESOLVED, Report.Status.DISMISSED):
        raise ValueError(f"cannot close a report as {status!r}")
    closed = 0
    for report in reports:
        if report.status != Report.Status.OPEN:
            continue
        report.status = status
        report.resolved_at = timezone.now()
        report.resolved_by = actor
        report.resolution_note = note
        report.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        audit.record(f"report:{status}", request=request, actor=actor, report=report.pk)
        closed += 1
    return closed
