"""Link a torrent to an anime entry, or unlink it, through the anime app's service."""

from anirena.anime.services import can_link_anime, get_anime, link_torrent_anime
from anirena.api.errors import ApiError
from anirena.api.queries import get_torrent


def set_torrent_anime(request, identity, torrent_id: str, anime_id: str | None) -> dict:
    torrent = get_torrent(torrent_id)
    if not can_link_anime(identity.user, torrent):
        raise ApiError(403, "forbidden", "Only the uploader and staff can change the anime of this torrent.")
    anime = None
    if anime_id is not None:
        anime = get_anime(anime_id)
        if anime is None:
            raise ApiError(400, "invalid_anime", f"No anime entry has the id {anime_id}; "
                                                 "find the id with GET /api/v1/anime/search.", field="anime_id")
    link_torrent_anime(identity.user, torrent, anime, request=request)
    return {"ok": True, "torrent_id": str(torrent.pk), "anime_id": str(anime.pk) if anime else None}
