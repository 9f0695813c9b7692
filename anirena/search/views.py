"""Small views and view helpers of the search app (the feed is in `feeds`)."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

from anirena.search import conf

# The order a column sorts in on its first click.
FIRST_ORDER = {"name": "asc", "date": "desc", "size": "desc", "completed": "desc", "seeders": "desc",
               "leechers": "desc"}


def sort_links(params, result) -> dict[str, dict]:
    """Describe each sortable column header: the order its link asks for and whether it is the active sort."""
    active = result.sort if result is not None else None
    current_order = result.order if result is not None else "desc"
    links = {}
    for column, first in FIRST_ORDER.items():
        is_active = column == active
        if is_active:
            next_order = "asc" if current_order == "desc" else "desc"
        else:
            next_order = first
        links[column] = {"order": next_order, "active": is_active, "current": current_order if is_active else ""}
    return links


@never_cache
def framework_floor(request):
    """Answer with a fixed body through the full middleware stack: the benchmarks' lower bound."""
    if not conf.benchmark_views_enabled():
        raise Http404("benchmark views are off; set ANIRENA_BENCHMARK_VIEWS=1")
    return HttpResponse(b"ok", content_type="text/plain")
