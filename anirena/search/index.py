"""Keep the search index in step with the torrent table.

Uploads are indexed by the upload service's after-store hook, edits and
deletions by the signal receivers in `anirena.search.signals`, all inside the
caller's transaction. Code that changes titles or file lists with
``QuerySet.update()`` sends no signals and must call `reindex_torrents`.
"""

import hashlib
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction

from anirena.metainfo import MetainfoError
from anirena.search.backends import DocumentRow, get_backend
from anirena.search.text import index_tokens

logger = logging.getLogger(__name__)

# File names past this many tokens are not indexed. It keeps huge batches (and
# PostgreSQL's 16,383 word positions) in bounds.
MAX_FILE_TOKENS = 8000

GENERATION_KEY = "search:generation"


def file_tokens(paths: Iterable[str]) -> list[str]:
    tokens: list[str] = []
    for path in paths:
        tokens.extend(index_tokens(path))
        if len(tokens) >= MAX_FILE_TOKENS:
            return tokens[:MAX_FILE_TOKENS]
    return tokens


def trackers_key() -> str:
    """Fingerprint the configured announce URLs, which the served .torrent files carry."""
    digest = hashlib.sha256("\n".join(settings.ANNOUNCE_URLS).encode()).hexdigest()
    return digest[:16]


def served_torrent_length(torrent, metainfo: bytes) -> int:
    """Return the byte length of the .torrent the download route serves for these stored bytes."""
    from anirena.torrents import links

    return len(links.torrent_file_bytes(torrent, metainfo))


def paths_of(files: Sequence) -> list[str]:
    """Return the paths of a TorrentBlob.files list (``[[path, size], ...]``)."""
    return [entry[0] for entry in files if entry]


def document_row(torrent_id, title: str, paths: Iterable[str], length: int | None = None,
                 using: str = "default") -> DocumentRow:
    from anirena.torrents.models import Torrent

    db_id = Torrent._meta.pk.get_db_prep_value(torrent_id, connections[using])
    return db_id, index_tokens(title), file_tokens(paths), length, trackers_key() if length is not None else ""


def write_documents(rows: list[DocumentRow], using: str = "default") -> None:
    if not rows:
        return
    with connections[using].cursor() as cursor:
        get_backend(using).upsert(cursor, rows)
    changed(using)


def index_torrent(torrent, *, paths: Iterable[str] | None = None, metainfo: bytes | None = None) -> None:
    """Index one torrent. Without `paths` the stored file list is read; without `metainfo` the length is kept."""
    from anirena.torrents.models import TorrentBlob

    if paths is None:
        blob = TorrentBlob.objects.filter(torrent_id=torrent.pk).values_list("files", flat=True).first()
        paths = paths_of(blob or [])
    length = None
    if metainfo:
        try:
            length = served_torrent_length(torrent, metainfo)
        except MetainfoError as error:
            # The feed then computes the length when it lists the torrent, and fails there the same way.
            logger.warning("torrent %s: stored .torrent cannot be rewritten, length not indexed: %s",
                           torrent.pk, error)
    write_documents([document_row(torrent.pk, torrent.title, paths, length)])


def reindex_torrents(torrent_ids: Iterable) -> int:
    """Index the given torrents again from their rows and stored files; return how many were found."""
    from anirena.torrents.models import Torrent, TorrentBlob

    torrents = list(Torrent.objects.filter(pk__in=list(torrent_ids)).only("id", "title"))
    files = dict(TorrentBlob.objects.filter(torrent__in=torrents).values_list("torrent_id", "files"))
    rows = [document_row(torrent.pk, torrent.title, paths_of(files.get(torrent.pk, []))) for torrent in torrents]
    write_documents(rows)
    return len(rows)


# --- Cache generation ---------------------------------------------------------------

def changed(using: str = "default") -> None:
    """Move cached feeds to a new generation now, and again once the transaction commits.

    The second move drops a feed that another request rendered and cached
    before the change was committed.
    """
    bump_generation()
    transaction.on_commit(bump_generation, using=using)


def bump_generation() -> None:
    try:
        cache.add(GENERATION_KEY, 0, timeout=None)
        cache.incr(GENERATION_KEY)
    except ValueError:
        # The key expired between add and incr (possible with an LRU cache); start again.
        cache.set(GENERATION_KEY, 1, timeout=None)


def current_generation() -> int:
    return int(cache.get(GENERATION_KEY, 0))
