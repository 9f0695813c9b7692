"""The site's own announce URLs and how torrents are checked and rewritten against them."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def normalise_url(url: str) -> str:
    """Lower-case scheme and host and drop a trailing slash, so equal URLs compare equal."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    path = parts.path.rstrip("/") or parts.path
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def site_announce_urls() -> list[str]:
    return list(settings.ANNOUNCE_URLS)


def has_site_tracker(tiers) -> bool:
    own = {normalise_url(url) for url in settings.ANNOUNCE_URLS}
    return any(normalise_url(url) in own for tier in tiers for url in tier)


def tiers_with_site_first(tiers) -> list[list[str]]:
    """Return the tiers as a downloaded .torrent carries them: the site's URLs first, then the rest."""
    own = site_announce_urls()
    own_normalised = {normalise_url(url) for url in own}
    rest = []
    for tier in tiers:
        kept = [url for url in tier if normalise_url(url) not in own_normalised]
        if kept:
            rest.append(kept)
    return [own] + rest


def parse_tracker_text(text: str) -> list[list[str]]:
    """Parse newline-separated tracker URLs; a blank line starts a new tier."""
    tiers: list[list[str]] = [[]]
    for line in text.splitlines():
        url = line.strip()
        if not url:
            if tiers[-1]:
                tiers.append([])
            continue
        tiers[-1].append(url)
    return [tier for tier in tiers if tier]


def is_valid_tracker_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https", "udp", "wss", "ws") and bool(parts.hostname)
