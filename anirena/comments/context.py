"""Template context for the comments section, shared by the views and the torrent panel's template tag."""

from anirena.comments import services
from anirena.comments.forms import CommentForm


def section_context(request, torrent, *, page_number=None, form=None, error: str | None = None) -> dict:
    user = request.user
    page = services.comment_page(torrent, page_number)
    closed_reason = services.closed_reason(user, torrent)
    if form is None and closed_reason is None:
        form = CommentForm()
    return {
        "user": user,
        "torrent": torrent,
        "page": page,
        "comments": [_comment_entry(user, comment) for comment in page.object_list],
        "comment_total": services.comment_count(torrent),
        "closed_reason": closed_reason,
        "form": form,
        "can_lock": user.is_authenticated and user.is_site_staff,
        "error": error,
    }


def comment_context(request, comment, *, error: str | None = None) -> dict:
    return {"entry": _comment_entry(request.user, comment), "error": error}


def _comment_entry(user, comment) -> dict:
    return {
        "comment": comment,
        "can_edit": services.can_edit(user, comment),
        "can_delete": services.can_delete(user, comment),
        "can_report": user.is_authenticated and not comment.is_deleted and comment.author_id != user.pk,
    }
