from urllib.parse import urlencode

from django import template
from django.urls import reverse

from anirena.search.query import Query

register = template.Library()

# Parameters the feed ignores, left out of the feed address built from a page address.
_PAGE_ONLY = ("sort", "order", "page", "per_page")


def _operator_query(operator: str, value: str) -> str:
    """Write `operator:value` in the canonical form, quoting values with spaces."""
    if operator == "user":
        return str(Query(users=(value,)))
    return str(Query(groups=(value,)))


@register.simple_tag
def user_search_url(username: str) -> str:
    """Return the address of a search for the uploads of `username`."""
    return reverse("torrents:home") + "?" + urlencode({"q": _operator_query("user", username)})


@register.simple_tag
def group_search_url(group) -> str:
    """Return the address of a search for the releases of `group`."""
    return reverse("torrents:home") + "?" + urlencode({"q": _operator_query("group", group.slug)})


@register.simple_tag(takes_context=True)
def feed_url(context) -> str:
    """Return the RSS address for the filters of the current page."""
    params = context["request"].GET.copy()
    for name in _PAGE_ONLY:
        params.pop(name, None)
    encoded = params.urlencode()
    return reverse("search:rss") + (f"?{encoded}" if encoded else "")
