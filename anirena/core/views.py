from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from anirena.core import health


@never_cache
def healthz(request):
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)


def guide(request):
    return render(request, "core/guide.html")


def terms(request):
    return render(request, "core/terms.html")
