"""Turn django-ninja's request validation errors into the API's 400 response.

django-ninja returns 422 with pydantic's error list. The API keeps 422 for
torrents that fail validation, so a malformed request is a 400 whose message
names the field and what it accepts.
"""

import json
import typing

from anirena.api.errors import ApiError

# Note: clients may show these prefixes; the code (missing_field, invalid_field) is the contract.
BODY_PREFIX = "Invalid request body or missing required field"
PARAMETER_PREFIX = "Invalid request parameter"


def validation_error(errors: list[dict]) -> ApiError:
    """Build the 400 ApiError for the pydantic errors of one request (the first one is the headline)."""
    described = [_describe(error) for error in errors] or [(None, "The request is invalid.", "invalid_field", "body")]
    field, message, code, source = described[0]
    prefix = BODY_PREFIX if source == "body" else PARAMETER_PREFIX
    listed = [{"field": item[0], "message": item[1]} for item in described]
    return ApiError(400, code, f"{prefix}: {message}", field=field, extra={"errors": listed})


def _describe(error: dict) -> tuple[str | None, str, str, str]:
    """Return (field, message, code, source) for one pydantic error dict with django-ninja's `loc`."""
    loc = list(error.get("loc") or ())
    source = str(loc.pop(0)) if loc else "body"
    if source == "body" and loc and loc[0] == "payload":
        loc.pop(0)
    field = _field_path(loc)
    kind = error.get("type", "")
    given = _show(error.get("input"))
    context = error.get("ctx") or {}
    name = field or "the request body"

    if kind == "missing":
        if field is None:
            return None, "the request body is missing; send a JSON object.", "missing_field", source
        return field, f"{field} is required.", "missing_field", source
    if field is None and kind in ("model_attributes_type", "dict_type", "model_type"):
        return None, "the request body must be a JSON object.", "invalid_field", source
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = error.get("bounds", (context.get("ge"), context.get("le")))
        if low is not None and high is not None:
            return field, f"{name} must be between {low} and {high}; got {given}.", "invalid_field", source
        if low is not None:
            return field, f"{name} must be at least {low}; got {given}.", "invalid_field", source
        return field, f"{name} must be at most {high}; got {given}.", "invalid_field", source
    if kind.startswith("int_"):
        return field, f"{name} must be a whole number; got {given}.", "invalid_field", source
    if kind.startswith("bool_"):
        return field, f"{name} must be true or false; got {given}.", "invalid_field", source
    if kind == "string_type":
        return field, f"{name} must be a string; got {given}.", "invalid_field", source
    if kind == "list_type":
        return field, f"{name} must be an array; got {given}.", "invalid_field", source
    if kind == "literal_error":
        expected = context.get("expected", "")
        return field, f"{name} must be one of {expected}; got {given}.", "invalid_field", source
    if kind == "string_too_long":
        length = len(error["input"]) if isinstance(error.get("input"), str) else "?"
        return (field, f"{name} is {length} characters long; the limit is {context.get('max_length')}.",
                "invalid_field", source)
    if kind == "string_too_short":
        return field, f"{name} must not be empty.", "invalid_field", source
    return field, f"{name}: {error.get('msg', 'invalid value')}.", "invalid_field", source


def _field_path(loc: list) -> str | None:
    """Join a pydantic location into ``name`` or ``name[2]``, leaving out union member tags."""
    if not loc:
        return None
    path = str(loc[0])
    for part in loc[1:]:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            break
    return path


def _show(value) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def field_bounds(model, loc: tuple) -> tuple:
    """Return the (minimum, maximum) declared for the field at pydantic's `loc` in `model`.

    pydantic reports only the bound that failed, and the message names both.
    """
    current = model
    bounds = (None, None)
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not isinstance(part, str) or not fields or part not in fields:
            break
        info = fields[part]
        low = next((getattr(item, "ge", None) for item in info.metadata if getattr(item, "ge", None) is not None),
                   None)
        high = next((getattr(item, "le", None) for item in info.metadata if getattr(item, "le", None) is not None),
                    None)
        bounds = (low, high)
        current = _model_in(info.annotation)
    return bounds


def _model_in(annotation):
    """Return the pydantic model inside an annotation such as ``Model`` or ``Model | None``, else None."""
    if hasattr(annotation, "model_fields"):
        return annotation
    for argument in typing.get_args(annotation):
        if hasattr(argument, "model_fields"):
            return argument
    return None
