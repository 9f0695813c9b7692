from django import template

from anirena.comments.context import section_context

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def torrent_comments(context, torrent):
    """Render the comments section of a torrent; `?cpage=` in the page's URL picks the page."""
    request = context["request"]
    return section_context(request, torrent, page_number=request.GET.get("cpage"))
