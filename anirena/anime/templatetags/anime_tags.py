from django import template

from anirena.anime.context import torrent_anime_context
from anirena.anime.services import get_anime

register = template.Library()


@register.inclusion_tag("anime/torrent_anime.html", takes_context=True)
def torrent_anime(context, torrent):
    """Render the torrent panel's anime line, with the link form and a suggestion for the uploader and staff."""
    return torrent_anime_context(context["request"], torrent)


@register.simple_tag
def anime_by_id(anime_id):
    """Return the entry with this id, or None (the upload form's picker shows the chosen title)."""
    return get_anime(anime_id) if anime_id else None
