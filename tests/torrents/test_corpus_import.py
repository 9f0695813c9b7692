"""Every real torrent of the shared corpus goes through the import path of the upload service."""

import pytest

from anirena.metainfo import MetainfoError, parse_torrent
from anirena.testing import shared_data
from anirena.torrents.models import Torrent, TorrentBlob
from anirena.torrents.services.upload import DuplicateTorrent, UploadRejected, UploadRequest, upload_torrent
from tests.factories import libtorrent_hashes

pytestmark = pytest.mark.django_db


def corpus_files():
    folders = [("torrents", "libtorrent", "test_torrents"), ("torrents", "libtorrent", "mutable_test_torrents"),
               ("torrents", "libtorrent", "bench-torrents"), ("torrents", "webtorrent")]
    files = []
    for parts in folders:
        files.extend(sorted(shared_data(*parts).glob("*.torrent")))
    return files


def libtorrent_accepts(data: bytes) -> bool:
    import libtorrent as lt

    try:
        lt.torrent_info(data)
    except RuntimeError:
        return False
    return True


def test_corpus_imports_with_libtorrent_hashes(uploader):
    accepted = rejected = duplicates = 0
    for path in corpus_files():
        data = path.read_bytes()
        before = (Torrent.objects.count(), TorrentBlob.objects.count())
        try:
            torrent = upload_torrent(uploader, UploadRequest(data=data, category="other"),
                                     add_missing_site_tracker=True)
        except DuplicateTorrent:
            duplicates += 1
            assert (Torrent.objects.count(), TorrentBlob.objects.count()) == before, path.name
            continue
        except UploadRejected as error:
            rejected += 1
            assert error.message, path.name
            assert (Torrent.objects.count(), TorrentBlob.objects.count()) == before, path.name
            # A rejection is either libtorrent's own verdict or one of our stricter path rules.
            with pytest.raises(MetainfoError):
                parse_torrent(data)
            continue
        accepted += 1
        assert libtorrent_accepts(data), path.name
        stored = bytes(torrent.blob.metainfo)
        assert (torrent.info_hash_v1, torrent.info_hash_v2) == libtorrent_hashes(data), path.name
        assert libtorrent_hashes(stored) == libtorrent_hashes(data), path.name
    # 68 files load in libtorrent; 16 of them break the path rules, so at least 50 are accepted.
    assert accepted >= 50
    assert rejected >= 60
    assert accepted + rejected + duplicates == len(corpus_files())


def test_invalid_corpus_file_leaves_database_unchanged(uploader):
    data = shared_data("torrents", "libtorrent", "test_torrents", "unaligned_pieces.torrent").read_bytes()
    with pytest.raises(UploadRejected, match="cannot be accepted"):
        upload_torrent(uploader, UploadRequest(data=data, category="anime"), add_missing_site_tracker=True)
    assert Torrent.objects.count() == 0
