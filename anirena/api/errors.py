"""The API's error shape, and the one place where exceptions become HTTP responses.

Every error response has this body (``field`` is null when no single field is at fault)::

    {"ok": false, "detail": "<message>", "code": "<code>",
     "error": {"status": 400, "code": "<code>", "field": "<field>", "message": "<message>"}}

``detail`` and ``code`` repeat ``error.message`` and ``error.code`` for clients that read
the flat form. A duplicate upload adds ``error.existing_id``.

Note: clients match on ``code`` (and ``error.field``); they are a contract and must stay
stable. Messages are for people and may change or be translated.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anirena.accounts import login as login_errors
from anirena.core.ratelimit import RateLimited
from anirena.moderation.sitemode import SiteReadOnly
from anirena.torrents.services.upload import DuplicateTorrent, UploadRejected

logger = logging.getLogger(__name__)

REALM = 'realm="AniRena API"'
# Seconds a client should wait before retrying during maintenance or read-only mode.
SITE_MODE_RETRY_AFTER = 300

# HTTP status of each sign-in failure of `anirena.accounts.login`, by its code.
LOGIN_ERROR_STATUS = {
    "invalid_credentials": 401,
    "two_factor_required": 401,
    "invalid_two_factor_code": 401,
    "ip_blocked": 403,
    "not_activated": 403,
    "disabled": 403,
    "banned": 403,
    "deletion_pending": 403,
}


class ApiError(Exception):
    """An error response of the API: HTTP status, stable code, the field at fault and a message."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.field = field
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self) -> dict:
        error = {"status": self.status, "code": self.code, "field": self.field, "message": self.message}
        error.update(self.extra)
        return {"ok": False, "detail": self.message, "code": self.code, "error": error}


def unauthorized(code: str, message: str, *, scheme: str = "Bearer", token_error: str | None = None) -> ApiError:
    """Build a 401 with the WWW-Authenticate challenge of `scheme` (RFC 6750 error for bad tokens)."""
    challenge = f"{scheme} {REALM}"
    if token_error:
        challenge += f', error="{token_error}"'
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


def rate_limited(error: RateLimited, message: str | None = None) -> ApiError:
    # Note: clients read Retry-After (whole seconds) to know when to try again.
    text = message or f"Rate limit exceeded; retry after {error.retry_after} seconds."
    return ApiError(429, "rate_limited", text, headers={"Retry-After": str(error.retry_after)})


def site_mode_error(code: str, message: str) -> ApiError:
    return ApiError(503, code, message, headers={"Retry-After": str(SITE_MODE_RETRY_AFTER)})


def error_response(error: ApiError) -> HttpResponse:
    response = JsonResponse(error.body(), status=error.status, json_dumps_params={"ensure_ascii": False})
    for name, value in error.headers.items():
        response[name] = value
    return response


def to_api_error(exc: BaseException) -> ApiError:
    """Translate any exception raised while serving an API request into an ApiError."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationError):
        from anirena.api.validation import validation_error

        return validation_error(exc.errors)
    if isinstance(exc, DuplicateTorrent):
        return ApiError(409, exc.code, exc.message, field=exc.field, extra={"existing_id": str(exc.existing.pk)})
    if isinstance(exc, UploadRejected):
        field = None if exc.field == "__all__" else exc.field
        return ApiError(exc.status, exc.code, exc.message, field=field)
    if isinstance(exc, RateLimited):
        return rate_limited(exc)
    if isinstance(exc, login_errors.LoginError):
        status = LOGIN_ERROR_STATUS.get(exc.code, 401)
        if status == 401:
            return unauthorized(exc.code, str(exc.message))
        return ApiError(status, exc.code, str(exc.message))
    if isinstance(exc, SiteReadOnly):
        return site_mode_error("read_only", exc.message)
    if isinstance(exc, AuthenticationError):
        return unauthorized(
            "missing_token",
            "Missing bearer token. Send Authorization: Bearer <token>; get a token from POST /api/v1/auth/token.",
        )
    if isinstance(exc, HttpError):
        # django-ninja raises HttpError(400) for a body its parser rejected, with the parser's error as cause.
        if isinstance(exc.__cause__, ApiError):
            return exc.__cause__
        if exc.status_code == 400:
            return ApiError(400, "invalid_json", "Invalid request body: it is not valid JSON.")
        return ApiError(exc.status_code, "http_error", str(exc))
    if isinstance(exc, RequestDataTooBig):
        return ApiError(413, "too_large", "The request body is larger than the site accepts; "
                        "the .torrent file is probably over the size limit.")
    if isinstance(exc, Http404):
        return ApiError(404, "not_found", str(exc) or "Not found.")
    if isinstance(exc, PermissionDenied):
        return ApiError(403, "forbidden", str(getattr(exc, "message", "") or exc) or "Forbidden.")
    return ApiError(500, "server_error", "The server failed to handle this request; the error is logged.")


def handle_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    """django-ninja's exception handler for every exception class."""
    from anirena.api.audit import record_upload_rejection

    error = to_api_error(exc)
    if error.status >= 500 and error.code == "server_error":
        logger.error("API request %s %s failed with an unexpected error", request.method, request.path, exc_info=exc)
    record_upload_rejection(request, error)
    return error_response(error)
