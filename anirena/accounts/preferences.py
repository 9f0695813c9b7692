"""Display preferences: what each one accepts, its default, and reading them for a request.

Stored in ``User.preferences`` (JSON). AccountMiddleware puts the effective values on
``request.preferences`` for every request, with defaults for anonymous visitors.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Preference:
    name: str
    label: str
    choices: tuple  # ((stored value, label), ...)

    @property
    def default(self):
        return DEFAULTS[self.name]

    def parse(self, raw: str):
        """Return the stored value for the submitted text `raw`, or raise ValueError."""
        for value, _label in self.choices:
            if str(value).lower() == raw.strip().lower():
                return value
        raise ValueError(raw)


PER_PAGE_CHOICES = (25, 50, 75, 100, 150, 250)


def _per_page_choices():
    values = sorted({*PER_PAGE_CHOICES, settings.TORRENTS_PER_PAGE})
    return tuple((value, str(value)) for value in values)


def _language_choices():
    return (("", _("Browser language")),) + tuple(settings.LANGUAGES)


def preference_fields() -> list[Preference]:
    return [
        Preference("theme", _("Theme"), (("auto", _("Same as the system")), ("light", _("Light")),
                                         ("dark", _("Dark")))),
        Preference("font_size", _("Font size"), (("small", _("Small")), ("medium", _("Medium")),
                                                 ("large", _("Large")), ("x-large", _("Extra large")))),
        Preference("color_scheme", _("Colour scheme"), (("blue", _("Blue")), ("teal", _("Teal")),
                                                        ("purple", _("Purple")), ("orange", _("Orange")),
                                                        ("contrast", _("High contrast")))),
        Preference("language", _("Interface language"), _language_choices()),
        Preference("show_adult", _("Show adult content"), ((False, _("No")), (True, _("Yes")))),
        Preference("torrents_per_page", _("Torrents per page"), _per_page_choices()),
        Preference("detail_view", _("Open torrent details"), (("panel", _("In a panel beside the list")),
                                                              ("page", _("On their own page")))),
    ]


DEFAULTS = {
    "theme": "auto",
    "font_size": "medium",
    "color_scheme": "blue",
    "language": "",
    "show_adult": False,
    "torrents_per_page": None,  # filled from settings.TORRENTS_PER_PAGE when read
    "detail_view": "panel",
}

# Preferences that change how every page looks, so the browser reloads after saving one.
RELOAD_AFTER = {"theme", "font_size", "color_scheme", "language"}


def field(name: str) -> Preference | None:
    return next((pref for pref in preference_fields() if pref.name == name), None)


def effective_preferences(user) -> dict:
    """Return every preference for `user`: their stored values where valid, defaults elsewhere."""
    values = dict(DEFAULTS, torrents_per_page=settings.TORRENTS_PER_PAGE)
    stored = getattr(user, "preferences", None) if getattr(user, "is_authenticated", False) else None
    if isinstance(stored, dict):
        for pref in preference_fields():
            if pref.name in stored and any(stored[pref.name] == value for value, _label in pref.choices):
                values[pref.name] = stored[pref.name]
    return values


def get_preferences(request) -> dict:
    """Return the effective preferences of the request's visitor (defaults when anonymous)."""
    cached = getattr(request, "preferences", None)
    if cached is None:
        cached = effective_preferences(getattr(request, "user", None))
    return cached


def save_preference(user, name: str, raw: str):
    """Validate and store one preference and return its value. Raises ValueError for an invalid one."""
    pref = field(name)
    if pref is None:
        raise ValueError(name)
    value = pref.parse(raw)
    preferences = dict(user.preferences or {})
    preferences[name] = value
    user.preferences = preferences
    user.save(update_fields=["preferences"])
    return value
