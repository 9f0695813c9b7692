"""The search parameters shared by the home page, the RSS feed and the JSON API.

`SearchParams.from_data` reads a QueryDict (page and feed addresses) or a
plain dict (a JSON body) and raises `InvalidSearchParams`, whose `errors` map
each parameter name to a message that names the problem and the allowed values.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

MAX_QUERY_LENGTH = 500
MAX_PER_PAGE = 250
MAX_LANGUAGES = 20

# Accepted sort names and the canonical name each one stands for.
SORT_NAMES = {
    "date": "date",
    "name": "name",
    "title": "name",
    "size": "size",
    "completed": "completed",
    "downloads": "completed",
    "seeders": "seeders",
    "leechers": "leechers",
}
ORDERS = ("asc", "desc")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class InvalidSearchParams(ValueError):
    """One or more parameters are invalid; `errors` maps each parameter name to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: str | None = None
    sub_category: str | None = None
    languages: tuple[str, ...] = ()
    # None sorts by relevance when the query has words, else by date.
    sort: str | None = None
    # None means descending.
    order: str | None = None
    page: int = 1
    # None means the site's TORRENTS_PER_PAGE.
    per_page: int | None = None
    # None means the default for the user: hidden unless their preferences show adult content.
    hide_adult: bool | None = None
    show_dead: bool = False
    # The feed's user= and group= parameters; they add to the query's operators.
    user: str | None = None
    group: str | None = None

    @classmethod
    def from_data(cls, data: Mapping) -> "SearchParams":
        """Read and check the parameters in `data`; unknown names are ignored."""
        reader = _Reader(data)
        params = cls(
            q=reader.text("q", MAX_QUERY_LENGTH),
            category=reader.slug("category"),
            sub_category=reader.slug("sub_category"),
            languages=reader.languages(),
            sort=reader.choice("sort", SORT_NAMES),
            order=reader.choice("order", {order: order for order in ORDERS}),
            page=reader.integer("page", 1, minimum=1),
            per_page=reader.integer("per_page", None, minimum=1, maximum=MAX_PER_PAGE),
            hide_adult=reader.boolean("hide_adult", None),
            show_dead=bool(reader.boolean("show_dead", False)),
            user=reader.text("user", 150) or None,
            group=reader.text("group", 100) or None,
        )
        if params.sub_category and not params.category:
            reader.errors["sub_category"] = _("Choose a category too: sub-category slugs are only unique within one.")
        if reader.errors:
            raise InvalidSearchParams(reader.errors)
        return params

    def with_changes(self, **changes) -> "SearchParams":
        return replace(self, **changes)

    @property
    def descending(self) -> bool:
        return self.order != "asc"


class _Reader:
    """Read single values from a QueryDict or a dict, collecting errors instead of stopping at the first."""

    def __init__(self, data: Mapping):
        self.data = data
        self.errors: dict[str, str] = {}

    def _values(self, name: str) -> list:
        if hasattr(self.data, "getlist"):
            return self.data.getlist(name)
        value = self.data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def _last(self, name: str):
        # A form sends a checkbox after its hidden fallback, so the last value wins.
        values = self._values(name)
        return values[-1] if values else None

    def text(self, name: str, limit: int) -> str:
        value = self._last(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors[name] = _("Expected text.")
            return ""
        value = value.strip()
        if len(value) > limit:
            self.errors[name] = _("%(length)d characters is too long; the limit is %(limit)d.") % {
                "length": len(value), "limit": limit}
            return ""
        return value

    def slug(self, name: str) -> str | None:
        return self.text(name, 64).lower() or None

    def choice(self, name: str, choices: dict[str, str]) -> str | None:
        value = self.text(name, 32).lower()
        if not value:
            return None
        if value not in choices:
            self.errors[name] = _("Unknown value %(value)r; use one of: %(choices)s.") % {
                "value": value, "choices": ", ".join(choices)}
            return None
        return choices[value]

    def integer(self, name: str, default: int | None, *, minimum: int, maximum: int | None = None) -> int | None:
        value = self._last(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            self.errors[name] = _("Expected a whole number, got %(value)r.") % {"value": value}
            return default
        if number < minimum or (maximum is not None and number > maximum):
            if maximum is None:
                message = _("Must be at least %(minimum)d, got %(value)s.")
            else:
                message = _("Must be between %(minimum)d and %(maximum)d, got %(value)s.")
            self.errors[name] = message % {"minimum": minimum, "maximum": maximum, "value": value}
            return default
        return number

    def boolean(self, name: str, default: bool | None) -> bool | None:
        value = self._last(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered == "":
            return default
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.errors[name] = _("Expected true or false (1/0, yes/no, on/off), got %(value)r.") % {"value": value}
        return default

    def languages(self) -> tuple[str, ...]:
        codes: list[str] = []
        for value in self._values("languages"):
            if not isinstance(value, str):
                self.errors["languages"] = _("Expected language codes such as en or ja.")
                return ()
            codes.extend(code.strip() for code in value.split(",") if code.strip())
        codes = list(dict.fromkeys(codes))
        if len(codes) > MAX_LANGUAGES:
            self.errors["languages"] = _("%(count)d languages is too many; the limit is %(limit)d.") % {
                "count": len(codes), "limit": MAX_LANGUAGES}
            return ()
        return tuple(codes)
