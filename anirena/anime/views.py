from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anirena.anime import services
from anirena.anime.context import torrent_anime_context
from anirena.anime.forms import LinkAnimeForm
from anirena.anime.models import Anime
from anirena.core.htmx import render_page_or_fragment
from anirena.moderation.sitemode import require_writable
from anirena.torrents.models import Torrent

SEARCH_PAGE_SIZE = 25
PICKER_SIZE = 10


@require_GET
def detail(request, anime_id):
    anime = get_object_or_404(Anime, pk=anime_id)
    torrents = (anime.torrents.select_related("category", "sub_category", "uploader")
                .defer("description", "comment", "tracker_tiers").order_by("-uploaded_at"))
    page = Paginator(torrents, settings.TORRENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "anime/detail.html", {"anime": anime, "page": page, "torrents": page.object_list})


@require_GET
def search(request):
    """Render the anime search page, or with `picker=1` the result list of the anime picker."""
    query = request.GET.get("q", "").strip()[:200]
    if request.GET.get("picker"):
        results = list(services.search_anime(query)[:PICKER_SIZE]) if query else []
        return render(request, "anime/picker_results.html", {"results": results, "q": query,
                                                             "target": request.GET.get("target", "upload")})
    page = Paginator(services.search_anime(query) if query else Anime.objects.none(), SEARCH_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render_page_or_fragment(request, "anime/search.html", "anime/search_results.html",
                                   {"page": page, "results": page.object_list, "q": query})


@require_GET
def pick(request, anime_id=None):
    """Return the picker's choice: a hidden `anime` input with the entry's title, or an empty one to clear it."""
    anime = get_object_or_404(Anime, pk=anime_id) if anime_id is not None else None
    target = request.GET.get("target", "upload")
    return render(request, "anime/picker_choice.html", {"anime": anime, "target": target, "clear_results": True})


@require_POST
def link(request, torrent_id):
    """Set, change or remove the anime of a torrent (its uploader or staff)."""
    require_writable(request)
    torrent = get_object_or_404(Torrent.objects.select_related("anime", "uploader"), pk=torrent_id)
    if not services.can_link_anime(request.user, torrent):
        raise Http404(_("No torrent of yours has this id."))
    form = LinkAnimeForm(request.POST)
    error = None
    if form.is_valid():
        anime = None
        if form.cleaned_data["anime"] is not None:
            anime = services.get_anime(form.cleaned_data["anime"])
        if form.cleaned_data["anime"] is not None and anime is None:
            error = _("No anime entry has that id.")
        else:
            services.link_torrent_anime(request.user, torrent, anime, request=request)
    else:
        error = _("Choose an anime entry from the search.")
    if not request.htmx:
        return redirect(torrent)
    return render(request, "anime/torrent_anime.html", torrent_anime_context(request, torrent, error=error))
