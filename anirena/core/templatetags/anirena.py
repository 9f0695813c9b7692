from django import template
from django.utils.safestring import mark_safe

from anirena.core.formatting import format_size
from anirena.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.filter(name="filesize")
def filesize_filter(size: int) -> str:
    return format_size(size)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """Return the current query string with `changes` applied (None removes a key)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
