"""The benchmark view of the search app (the feed is in `feeds`, the home page helpers in `listing`)."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

from anirena.search import conf


@never_cache
def framework_floor(request):
    """Return a fixed body through the full middleware stack: the benchmarks' lower bound."""
    if not conf.benchmark_views_enabled():
        raise Http404("benchmark views are off; set ANIRENA_BENCHMARK_VIEWS=1")
    return HttpResponse(b"ok", content_type="text/plain")
