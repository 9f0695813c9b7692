import pytest
from django.conf import settings
from django.core.management import call_command

from anirena.metainfo import parse_torrent
from anirena.torrents.models import Torrent
from tests.factories import make_torrent

pytestmark = pytest.mark.django_db


def test_import_adds_missing_tracker(tmp_path, uploader, capsys):
    (tmp_path / "a.torrent").write_bytes(make_torrent(site_tracker=False, trackers=[["udp://other.example:1/announce"]]))
    (tmp_path / "b.torrent").write_bytes(make_torrent(version="v2"))

    call_command("import_torrents", str(tmp_path), user="uploader", category="anime", sub_category="raw")

    output = capsys.readouterr().out
    assert output.count("accepted") == 2
    assert "2 imported, 0 rejected" in output
    for torrent in Torrent.objects.all():
        stored = parse_torrent(bytes(torrent.blob.metainfo))
        urls = {url for tier in stored.trackers for url in tier}
        assert set(settings.ANNOUNCE_URLS) & urls


def test_import_reports_rejects_and_exits_nonzero(tmp_path, uploader, capsys):
    good = make_torrent()
    (tmp_path / "good.torrent").write_bytes(good)
    (tmp_path / "dupe.torrent").write_bytes(good)
    (tmp_path / "junk.torrent").write_bytes(b"d4:infoi1ee")

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_torrents", str(tmp_path), user="uploader", category="anime")

    output = capsys.readouterr().out
    assert exit_info.value.code == 1
    assert Torrent.objects.count() == 1
    assert "rejected" in output and "junk.torrent" in output
    assert "1 imported, 2 rejected" in output


def test_import_unknown_user_fails(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named"):
        call_command("import_torrents", str(tmp_path), user="nobody", category="anime")
