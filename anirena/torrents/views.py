from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anirena.accounts.ipblock import is_ip_blocked
from anirena.core.htmx import render_page_or_fragment
from anirena.metainfo import MetainfoError, parse_torrent
from anirena.moderation.audit import client_ip
from anirena.moderation.sitemode import require_writable
from anirena.moderation.upload_limits import enforce_upload_rate, record_upload
from anirena.search import listing
from anirena.torrents import links
from anirena.torrents.filetree import build_file_tree
from anirena.torrents.forms import UploadForm
from anirena.torrents.models import Torrent, TorrentBlob
from anirena.torrents.peers import attach_live_counts
from anirena.torrents.services.upload import DuplicateTorrent, UploadRejected, UploadRequest, upload_torrent


# Piece sizes offered by the Create tab: powers of two from 16 KiB to 16 MiB.
PIECE_SIZES = [(2**power, f"{2**power // 1024} KiB" if power < 20 else f"{2**power // 2**20} MiB")
               for power in range(14, 25)]


def home(request):
    """List and search torrents; takes the parameters of the API's search (see SearchParams)."""
    params, errors = listing.read_params(request)
    table_html, errors = listing.render_table(request, params, errors)
    context = {"table_html": table_html, **listing.form_context(request, params)}
    status = 400 if errors else 200
    return render_page_or_fragment(request, "torrents/home.html", "search/table_fragment.html", context,
                                   status=status)


def detail(request, torrent_id):
    torrent = get_object_or_404(
        Torrent.objects.select_related("category", "sub_category", "uploader", "group").prefetch_related("languages"),
        pk=torrent_id,
    )
    blob = TorrentBlob.objects.only("files").get(torrent=torrent)
    attach_live_counts([torrent])
    context = {
        "torrent": torrent,
        "file_tree": build_file_tree(blob.files),
        "magnet": links.magnet_uri(torrent),
        "tracker_tiers": torrent.tracker_tiers,
    }
    return render_page_or_fragment(request, "torrents/detail.html", "htmx/torrent_panel.html", context)


def download(request, torrent_id):
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    blob = TorrentBlob.objects.only("metainfo").get(torrent=torrent)
    body = links.torrent_file_bytes(torrent, blob.metainfo)
    response = HttpResponse(body, content_type="application/x-bittorrent")
    filename = links.torrent_filename(torrent)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Content-Length"] = str(len(body))
    return response


def magnet(request, torrent_id):
    torrent = get_object_or_404(Torrent, pk=torrent_id)
    response = HttpResponse(status=302)
    # HttpResponseRedirect refuses the magnet: scheme, so the header is set directly.
    response["Location"] = links.magnet_uri(torrent)
    return response


def legacy_download(request, old_id: int):
    torrent = Torrent.objects.filter(legacy_id=old_id).only("pk").first()
    if torrent is None:
        raise Http404(_("No torrent has the old id %(id)s.") % {"id": old_id})
    return HttpResponsePermanentRedirect(reverse("torrents:download", args=[torrent.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    require_writable(request)
    user = request.user
    if not user.can_upload:
        reason = user.ban_reason if user.is_banned else _("Your account cannot upload right now.")
        return render(request, "torrents/upload_forbidden.html", {"reason": reason}, status=403)
    if is_ip_blocked(client_ip(request)):
        reason = _("Uploads are not possible from your network. Contact the site staff if you think this is a mistake.")
        return render(request, "torrents/upload_forbidden.html", {"reason": reason}, status=403)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload_request = UploadRequest(
            data=data["torrent"].read(),
            category=data["category"].slug,
            sub_category=data["sub_category"].slug if data["sub_category"] else None,
            name=data["name"],
            languages=[language.code for language in data["languages"]],
            group_id=data["group"],
            description=data["description"],
            comment=data["comment"] or None,
            is_private=data["is_private"],
            announce=data["announce"] or None,
            comments_enabled=data["comments_enabled"],
            anime_id=str(data["anime"]) if data["anime"] else None,
        )
        try:
            enforce_upload_rate(user)
            torrent = upload_torrent(user, upload_request)
        except DuplicateTorrent as error:
            duplicate = error.existing
            form.add_error("torrent", error.message)
        except UploadRejected as error:
            target = error.field if error.field in form.fields else None
            form.add_error(target, error.message)
        else:
            record_upload(user)
            messages.success(request, _("Your torrent is uploaded."))
            return redirect(torrent)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "duplicate": duplicate, "announce_urls": settings.ANNOUNCE_URLS,
               "piece_sizes": PIECE_SIZES}
    return render(request, "torrents/upload.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def upload_preview(request):
    """Show the name and trackers read from a chosen .torrent file before the form is sent."""
    upload_file = request.FILES.get("torrent")
    context = {"announce_urls": settings.ANNOUNCE_URLS}
    if upload_file is None:
        context["error"] = _("Choose a .torrent file.")
    elif upload_file.size > settings.MAX_TORRENT_SIZE:
        context["error"] = _("The file is larger than the %(limit)d-byte limit.") % {"limit": settings.MAX_TORRENT_SIZE}
    else:
        try:
            context["meta"] = parse_torrent(upload_file.read(), max_size=settings.MAX_TORRENT_SIZE)
        except MetainfoError as error:
            context["error"] = _("This .torrent file cannot be accepted. %(reason)s") % {"reason": error}
    return render(request, "htmx/upload_preview.html", context)
