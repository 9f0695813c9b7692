"""Build the JSON objects of torrents, comments, anime entries and groups, in the shapes the API documents.

Note: the field names and the date formats here are a contract with API clients.
"""

from datetime import timezone as dt_timezone

from django.db.models import Count

from anirena.comments.models import Comment
from anirena.core.formatting import format_size, format_utc_minute
from anirena.torrents.links import magnet_uri
from anirena.torrents.models import Torrent
from anirena.torrents.peers import live_counts


def format_utc_second(moment) -> str | None:
    """Format an aware datetime as ``YYYY-MM-DD HH:MM:SS`` in UTC, or None."""
    if moment is None:
        return None
    return moment.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def comment_counts(torrent_ids: list) -> dict:
    """Return ``{torrent id: number of comments that are not deleted}`` in one query."""
    if not torrent_ids:
        return {}
    rows = (Comment.objects.filter(torrent_id__in=torrent_ids, deleted_at__isnull=True)
            .values("torrent_id").annotate(total=Count("pk")).values_list("torrent_id", "total"))
    return dict(rows)


def _load_tracker_tiers(torrents: list) -> None:
    """Fill in `tracker_tiers` for the magnet links in one query where the listing left it out."""
    missing = [torrent for torrent in torrents if "tracker_tiers" in torrent.get_deferred_fields()]
    if not missing:
        return
    tiers = dict(Torrent.objects.filter(pk__in=[torrent.pk for torrent in missing])
                 .values_list("pk", "tracker_tiers"))
    for torrent in missing:
        torrent.tracker_tiers = tiers.get(torrent.pk, [])


def _language_codes(torrent) -> list[str]:
    # Search listings attach `languages_shown` from the cached catalog; other querysets prefetch languages.
    shown = getattr(torrent, "languages_shown", None)
    languages = shown if shown is not None else torrent.languages.all()
    return [language.code for language in languages]


def torrent_rows(torrents: list) -> list[dict]:
    """Return the search result objects of a page of torrents, with live peer counts and comment counts."""
    _load_tracker_tiers(torrents)
    counts = live_counts(torrents)
    comments = comment_counts([torrent.pk for torrent in torrents])
    rows = []
    for torrent in torrents:
        seeders, leechers = counts[torrent.pk]
        rows.append({
            "id": str(torrent.pk),
            "title": torrent.title,
            "info_hash_v1": torrent.info_hash_v1,
            "info_hash_v2": torrent.info_hash_v2,
            "size_fmt": format_size(torrent.size),
            "completed": torrent.completed,
            "seeders": seeders,
            "leechers": leechers,
            "languages": _language_codes(torrent),
            "comment_count": comments.get(torrent.pk, 0),
            "created_at": format_utc_minute(torrent.uploaded_at),
            "cat_slug": torrent.category.slug,
            "sub_slug": torrent.sub_category.slug if torrent.sub_category else None,
            "group_name": torrent.group.name if torrent.group else None,
            "uploader": torrent.uploader.username if torrent.uploader else None,
            "magnet": magnet_uri(torrent),
        })
    return rows


def torrent_detail(torrent, files: list) -> dict:
    """Return the detail object of one torrent; `files` is its TorrentBlob.files list."""
    # The store's counts or zeros: the documented detail never shows the copied columns.
    seeders, leechers = live_counts([torrent], stored_fallback=False)[torrent.pk]
    return {
        "id": str(torrent.pk),
        "title": torrent.title,
        "info_hash_v1": torrent.info_hash_v1,
        "info_hash_v2": torrent.info_hash_v2,
        "size_fmt": format_size(torrent.size),
        "completed": torrent.completed,
        "seeders": seeders,
        "leechers": leechers,
        "ext_seeders": torrent.ext_seeders,
        "ext_leechers": torrent.ext_leechers,
        "created_at": format_utc_minute(torrent.uploaded_at),
        "torrent_created": format_utc_minute(torrent.torrent_created_at),
        "created_by_client": torrent.created_by or "",
        "cat_name": torrent.category.name,
        "cat_slug": torrent.category.slug,
        "sub_name": torrent.sub_category.name if torrent.sub_category else None,
        "sub_slug": torrent.sub_category.slug if torrent.sub_category else None,
        "group_name": torrent.group.name if torrent.group else None,
        "group_slug": torrent.group.slug if torrent.group else None,
        "uploader": torrent.uploader.username if torrent.uploader else None,
        "uploader_id": str(torrent.uploader_id) if torrent.uploader_id else None,
        "description": torrent.description,
        "comment": torrent.comment,
        "is_private": torrent.is_private,
        "magnet": magnet_uri(torrent),
        "languages": [
            {"code": language.code, "name": language.name, "country_code": language.country_code}
            for language in torrent.languages.all()
        ],
        "tracker_tiers": [{"tier": index, "urls": list(tier)} for index, tier in enumerate(torrent.tracker_tiers)],
        "files": [{"path": entry[0], "size": entry[1]} for entry in files if entry],
        "comments_enabled": torrent.comments_enabled,
        "comments_locked": torrent.comments_locked,
        "comment_count": comment_counts([torrent.pk]).get(torrent.pk, 0),
    }


def comment_object(comment) -> dict:
    author = comment.author
    return {
        "id": str(comment.pk),
        "user_id": str(author.pk) if author else None,
        "username": author.username if author else None,
        "role": author.role if author else None,
        "author_banned": comment.author_banned,
        # Empty for deleted comments and for comments whose author is banned.
        "body": comment.visible_body,
        "created_at": format_utc_second(comment.created_at),
        "edited_at": format_utc_second(comment.edited_at),
        "edited_by_username": comment.edited_by.username if comment.edited_by else None,
        "deleted_at": format_utc_second(comment.deleted_at),
    }


def anime_object(anime) -> dict:
    return {
        "id": str(anime.pk),
        "title": anime.title,
        "anime_type": anime.anime_type,
        "episodes": anime.episodes,
        "status": anime.status,
        "season": anime.season,
        "season_year": anime.season_year,
        "picture": anime.picture,
        "thumbnail": anime.thumbnail,
        "duration_secs": anime.duration_secs,
    }


def group_object(group) -> dict:
    """Return a group annotated with `member_count` and `torrent_count` (see groups.services.with_counts)."""
    return {
        "id": group.pk,
        "name": group.name,
        "slug": group.slug,
        "subdomain_slug": group.subdomain_slug,
        "description": group.description,
        "owner": group.owner.username if group.owner_id else None,
        "member_count": group.member_count,
        "torrent_count": group.torrent_count,
        "created_at": format_utc_minute(group.created_at),
    }
