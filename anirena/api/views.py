"""Pages of the API app that are not API operations: the guide page and the JSON 404."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from anirena.api import samples
from anirena.api.errors import ApiError, error_response
from anirena.search.catalog import get_catalog


def api_guide(request):
    """Render the API guide: every route with examples and the rules clients rely on."""
    catalog = get_catalog()
    context = {
        "base_url": settings.SITE_URL,
        "samples": samples.rendered(settings.SITE_URL),
        "categories": catalog.categories,
        "languages": catalog.languages,
        "upload_limit": settings.API_UPLOAD_RATE_LIMIT,
        "search_limit": settings.API_SEARCH_RATE_LIMIT,
        "read_limit": settings.API_READ_RATE_LIMIT,
        "comment_per_page": settings.COMMENT_PER_PAGE,
        "max_torrent_size": settings.MAX_TORRENT_SIZE,
        "dead_days": settings.DEAD_TORRENT_GRACE_DAYS,
    }
    return render(request, "api/guide.html", context)


@csrf_exempt
def not_found(request):
    return error_response(ApiError(404, "not_found", f"No API route at {request.path}; see /api/v1/docs."))
