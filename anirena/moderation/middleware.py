"""Apply the site mode to every request: maintenance pages, and the answer to a refused write."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from anirena.moderation.sitemode import Mode, SiteReadOnly, current_mode, site_settings

# Reachable in maintenance mode by everyone: health checks for the load balancer, the
# admin and the sign-in page so staff can get in, and the static files those pages use.
MAINTENANCE_EXEMPT_PREFIXES = ("/healthz", "/admin/", "/static/", "/account/login", "/account/logout")
RETRY_AFTER_SECONDS = "300"


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.is_site_staff


def _api_error(message: str, code: str):
    """Build a 503 in the JSON API's error shape, which carries `detail` and `code` at the top level."""
    from anirena.api.errors import ApiError, error_response

    return error_response(ApiError(503, code, message))


def maintenance_response(request):
    note = site_settings().message
    if _is_api(request):
        # NOTE: API clients match on this `code`; keep it stable.
        message = _("The site is down for maintenance. Please try again later.")
        response = _api_error(f"{message} {note}".strip(), "maintenance")
    else:
        response = render(request, "moderation/maintenance.html", {"note": note}, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def read_only_response(request, error: SiteReadOnly):
    if _is_api(request):
        # NOTE: API clients match on this `code`; keep it stable.
        return _api_error(error.message, "read_only")
    if getattr(request, "htmx", False):
        # htmx swaps only 2xx responses into the page, so the notice goes out as 200.
        return render(request, "moderation/read_only_notice.html", {"message": error.message})
    return render(request, "moderation/read_only.html", {"message": error.message}, status=503)


class SiteModeMiddleware:
    """Serve the maintenance page to all but staff, and turn SiteReadOnly raised by a view into a response.

    Must come after the authentication middleware, which sets `request.user`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        mode = current_mode()
        request.site_mode = mode
        if mode == Mode.MAINTENANCE and not request.path.startswith(MAINTENANCE_EXEMPT_PREFIXES):
            if not _is_staff(request):
                return maintenance_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SiteReadOnly):
            return read_only_response(request, exception)
        return None
