from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anirena.comments import services
from anirena.comments.context import comment_context, section_context
from anirena.comments.forms import CommentForm
from anirena.comments.models import Comment
from anirena.core.htmx import render_page_or_fragment
from anirena.moderation.sitemode import require_writable
from anirena.torrents.models import Torrent


@require_GET
def comment_list(request, torrent_id):
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    context = section_context(request, torrent, page_number=request.GET.get("page"))
    return render_page_or_fragment(request, "comments/page.html", "comments/section.html", context)


@login_required
@require_POST
def comment_create(request, torrent_id):
    require_writable(request)
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = services.post_comment(request.user, torrent, form.cleaned_data["body"], request=request)
        except services.CommentInvalid as error:
            form.add_error("body", error.message)
        except services.CommentNotAllowed as error:
            form.add_error(None, error.message)
    if comment is not None and not request.htmx:
        return redirect(f"{torrent.get_absolute_url()}#comment-{comment.pk}")
    page_number = services.page_of(comment) if comment is not None else "last"
    context = section_context(request, torrent, page_number=page_number, form=None if comment else form)
    # htmx swaps only 2xx responses, so a rejected comment comes back as 200 with its errors.
    status = 200 if comment is not None or request.htmx else 400
    return render_page_or_fragment(request, "comments/page.html", "comments/section.html", context, status=status)


@require_GET
def comment_detail(request, comment_id):
    comment = _get_comment(comment_id)
    return render(request, "comments/comment.html", comment_context(request, comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, comment_id):
    comment = _get_comment(comment_id)
    if request.method == "POST":
        require_writable(request)
    if not services.can_edit(request.user, comment):
        context = comment_context(request, comment, error=_("You cannot edit this comment."))
        return render(request, "comments/comment.html", context, status=200 if request.htmx else 403)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(request.user, comment, form.cleaned_data["body"], request=request)
        except services.CommentInvalid as error:
            form.add_error("body", error.message)
        else:
            return _after_change(request, comment)
    status = 400 if request.method == "POST" and not request.htmx else 200
    return render_page_or_fragment(request, "comments/edit_page.html", "comments/edit_form.html",
                                   {"comment": comment, "form": form}, status=status)


@login_required
@require_POST
def comment_delete(request, comment_id):
    require_writable(request)
    comment = _get_comment(comment_id)
    try:
        services.delete_comment(request.user, comment, request=request)
    except services.CommentNotAllowed as error:
        return render(request, "comments/comment.html", comment_context(request, comment, error=error.message),
                      status=200 if request.htmx else 403)
    return _after_change(request, comment)


@login_required
@require_POST
def comments_lock(request, torrent_id):
    require_writable(request)
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    locked = request.POST.get("locked") == "1"
    try:
        services.set_comments_locked(request.user, torrent, locked, request=request)
    except services.CommentNotAllowed as error:
        context = section_context(request, torrent, error=error.message)
        return render_page_or_fragment(request, "comments/page.html", "comments/section.html", context,
                                       status=200 if request.htmx else 403)
    if not request.htmx:
        return redirect(torrent)
    return render(request, "comments/section.html", section_context(request, torrent))


def _get_comment(comment_id) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author", "edited_by", "torrent"), pk=comment_id)


def _after_change(request, comment):
    if request.htmx:
        comment.refresh_from_db()
        return render(request, "comments/comment.html", comment_context(request, comment))
    page = services.page_of(comment)
    return redirect(f"{comment.torrent.get_absolute_url()}?cpage={page}#comment-{comment.pk}")
