from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anirena.comments.models import Comment
from anirena.moderation.forms import ReportForm
from anirena.moderation.reports import file_report
from anirena.moderation.sitemode import require_writable
from anirena.torrents.models import Torrent


@login_required
@require_http_methods(["GET", "POST"])
def report_torrent(request, torrent_id):
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    return _report(request, torrent=torrent, subject=torrent.title, back_url=torrent.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("torrent", "author"), pk=comment_id, deleted_at=None)
    author = comment.author.username if comment.author else _("deleted account")
    subject = _("a comment by %(author)s on “%(title)s”") % {"author": author, "title": comment.torrent.title}
    back_url = f"{comment.torrent.get_absolute_url()}#comment-{comment.pk}"
    return _report(request, comment=comment, subject=subject, back_url=back_url)


def _report(request, *, subject: str, back_url: str, torrent=None, comment=None):
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        require_writable(request)
        if form.is_valid():
            _report_row, created = file_report(request.user, torrent=torrent, comment=comment, request=request,
                                     reason=form.cleaned_data["reason"], details=form.cleaned_data["details"].strip())
            if created:
                messages.success(request, _("Thank you. The moderators will look at your report."))
            else:
                messages.info(request, _("You have already reported this; your report is still open."))
            return redirect(back_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "moderation/report.html", {"form": form, "subject": subject, "back_url": back_url},
                  status=status)
