"""The one place that decides between a full page and an htmx fragment."""

from django.shortcuts import render


def render_page_or_fragment(request, page_template: str, fragment_template: str, context: dict, **kwargs):
    is_htmx = bool(getattr(request, "htmx", False)) and not getattr(request.htmx, "boosted", False)
    template = fragment_template if is_htmx else page_template
    response = render(request, template, context, **kwargs)
    response["Vary"] = "HX-Request"
    return response
