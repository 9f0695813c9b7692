"""The django-ninja API object: error handling, the per-request wrapper and the OpenAPI description.

It is mounted at ``/api/``; the routes carry their own ``v1/`` prefix because
one route of the public contract, ``PUT /api/torrents/{id}/anime``, has none.
The schema is served at ``/api/v1/openapi.json`` and the interactive docs at
``/api/v1/docs``.
"""

import functools
import json

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.errors import ValidationError

from anirena.api.errors import ApiError, error_response, handle_exception, site_mode_error
from anirena.api.validation import field_bounds
from anirena.moderation.sitemode import Mode, current_mode, site_settings

DESCRIPTION = """
JSON API of AniRena. The guide page at `/guide/api` walks through every route with examples.

* **Authentication:** exchange your API key for a bearer token at `POST /api/v1/auth/token`
  (`Authorization: ApiKey <key>`), or sign in with `POST /api/v1/auth/login`. Send
  `Authorization: Bearer <token>` on every other call. Tokens are reusable for 3600 seconds
  and stop working at once when their key is revoked or replaced or the account is banned,
  disabled or deleted. Every authenticated response echoes the token in use in `X-New-Token`.
  Session cookies never authenticate the API, and CSRF tokens are not needed.
* **Errors:** `{"ok": false, "detail", "code", "error": {"status", "code", "field", "message"}}`.
  Match on `code`. Malformed requests are 400 (never 422; 422 means the .torrent failed
  validation). 401 responses carry `WWW-Authenticate`, 429 and 503 carry `Retry-After`.
* **Request bodies** ignore unknown fields; optional fields accept null as absent.
* **Dates** such as `created_at` are UTC, formatted `YYYY-MM-DD HH:MM` (comments: `YYYY-MM-DD HH:MM:SS`).
* **Site modes:** in maintenance mode every route returns 503. In read-only mode uploads,
  anime links and logins that must write an API key return 503, and reads keep working.
"""


class JsonObjectParser(Parser):
    """Parse request bodies as JSON objects, raising a 400 ApiError that names the problem otherwise."""

    def parse_body(self, request):
        # django-ninja wraps these errors in its own HttpError; `to_api_error` unwraps them.
        try:
            data = json.loads(request.body)
        except ValueError:
            raise ApiError(400, "invalid_json", "Invalid request body: it is not valid JSON.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "invalid_field", "Invalid request body or missing required field: "
                                                 "the request body must be a JSON object.")
        return data


class AniRenaApi(NinjaAPI):
    """NinjaAPI with one exception handler for everything and validation errors that keep the rejected value."""

    def set_default_exception_handlers(self) -> None:
        self.add_exception_handler(Exception, handle_exception)

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        errors = []
        for context in error_contexts:
            model = context.model
            for item in context.pydantic_validation_error.errors(include_url=False):
                raw_loc = item["loc"]
                item["bounds"] = field_bounds(model, raw_loc)
                item["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(raw_loc, raw_loc)
                context_values = item.get("ctx")
                if context_values and isinstance(context_values.get("error"), Exception):
                    context_values["error"] = str(context_values["error"])
                errors.append(dict(item))
        return ValidationError(errors)


def serve_api_request(run):
    """Wrap every operation: no cookie authentication, maintenance mode, and the X-New-Token echo."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        request.user = AnonymousUser()
        request.api_identity = None
        if current_mode() == Mode.MAINTENANCE:
            note = site_settings().message
            message = _("The site is down for maintenance. Please try again later.")
            return error_response(site_mode_error("maintenance", f"{message} {note}".strip()))
        response = run(request, *args, **kwargs)
        identity = request.api_identity
        if identity is not None and identity.token:
            # Note: the guide's clients read the token to use next from this header.
            response["X-New-Token"] = identity.token
        return response

    return wrapper


api = AniRenaApi(
    title="AniRena API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url="/v1/docs",
    parser=JsonObjectParser(),
)
api.add_decorator(serve_api_request, mode="view")

# Registers the operations on `api`.
from anirena.api import routes  # noqa: E402,F401
