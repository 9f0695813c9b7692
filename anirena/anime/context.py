"""Template context for the anime section of the torrent panel."""

import hashlib
import logging

from django.core.cache import cache

from anirena.anime import services

logger = logging.getLogger(__name__)

# A suggestion depends only on the release name and the anime database, which changes
# rarely, so it is kept for a while instead of parsed again on each view of the panel.
SUGGESTION_CACHE_SECONDS = 600


def torrent_anime_context(request, torrent, *, error: str | None = None) -> dict:
    can_link = services.can_link_anime(request.user, torrent)
    suggestion = None
    if can_link and torrent.anime_id is None:
        suggestion = cached_suggestion(torrent)
    return {"torrent": torrent, "can_link": can_link, "suggestion": suggestion, "error": error}


def cached_suggestion(torrent):
    title_digest = hashlib.sha256(torrent.title.encode()).hexdigest()[:16]
    key = f"anime:suggestion:{torrent.pk}:{title_digest}"
    anime_id = cache.get(key)
    if anime_id is None:
        suggestion = services.suggest_anime(torrent.title)
        anime_id = str(suggestion.anime.pk) if suggestion else ""
        cache.set(key, anime_id, SUGGESTION_CACHE_SECONDS)
    return services.get_anime(anime_id) if anime_id else None
