"""Insert torrents straight into the tables, for search tests that need many of them quickly."""

import secrets
from datetime import timedelta

from django.utils import timezone


class TorrentMaker:
    """Create Torrent and TorrentBlob rows; the search app's signal receivers index them."""

    def __init__(self, default_uploader):
        self.default_uploader = default_uploader
        self.clock = timezone.now() - timedelta(days=1)

    def __call__(self, title: str, *, files=None, category: str = "anime", sub_category: str | None = None,
                 uploader=None, group=None, languages=(), size: int = 700 * 1024 * 1024, age=None,
                 seeders: int = 1, leechers: int = 0, completed: int = 0, v2: bool = False):
        from anirena.torrents.models import Category, Language, Torrent, TorrentBlob

        category_row = Category.objects.get(slug=category)
        sub_row = category_row.sub_categories.get(slug=sub_category) if sub_category else None
        # Each new torrent is a second newer than the previous one, unless `age` places it.
        self.clock += timedelta(seconds=1)
        uploaded_at = timezone.now() - age if age is not None else self.clock
        torrent = Torrent.objects.create(
            title=title,
            info_hash_v1=None if v2 else secrets.token_hex(20),
            info_hash_v2=secrets.token_hex(32) if v2 else None,
            version="v2" if v2 else "v1",
            size=size,
            file_count=len(files or [title]),
            piece_length=262144,
            category=category_row,
            sub_category=sub_row,
            uploader=uploader or self.default_uploader,
            group=group,
            uploaded_at=uploaded_at,
            seeders=seeders,
            leechers=leechers,
            completed=completed,
        )
        paths = files if files is not None else [f"{title}.mkv"]
        TorrentBlob.objects.create(torrent=torrent, metainfo=b"", files=[[path, 1000] for path in paths])
        if languages:
            torrent.languages.set(Language.objects.filter(code__in=languages))
        return torrent


def make_group(owner, name: str, slug: str):
    from anirena.groups.models import Group

    return Group.objects.create(name=name, slug=slug, owner=owner)
