"""Receivers that keep the search index in step with uploads, edits and deletions.

They run inside the transaction that changes the torrent, so the index never
shows a torrent that was rolled back. An upload writes the document up to
three times (torrent row, file list, upload hook); each write is a small
upsert and the last one, from the hook, is complete.
"""

from django.db.models.signals import post_delete, post_save

from anirena.search import catalog, index


def connect() -> None:
    from anirena.torrents.models import Torrent, TorrentBlob
    from anirena.torrents.services.upload import register_after_store

    catalog.connect()
    post_save.connect(torrent_saved, sender=Torrent, dispatch_uid="search.torrent_saved")
    post_save.connect(blob_saved, sender=TorrentBlob, dispatch_uid="search.blob_saved")
    post_delete.connect(torrent_deleted, sender=Torrent, dispatch_uid="search.torrent_deleted")
    register_after_store(index_upload)


def index_upload(torrent, prepared) -> None:
    """Index a new upload with its file list and the length of the .torrent it will be served as."""
    paths = [entry.path for entry in prepared.meta.files]
    index.index_torrent(torrent, paths=paths, metainfo=prepared.metainfo)


def torrent_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return  # loading fixtures: run rebuild_search_index afterwards
    if update_fields is not None and "title" not in update_fields:
        return  # counters and flags do not change what is indexed
    index.index_torrent(instance)


def blob_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    torrent = instance.torrent
    index.index_torrent(torrent, paths=index.paths_of(instance.files), metainfo=bytes(instance.metainfo))


def torrent_deleted(sender, instance, **kwargs) -> None:
    # The search document goes with the torrent through the foreign key's cascade.
    index.changed()
