"""Build real .torrent files with libtorrent, and site objects, for the tests."""

import itertools
import os
import tempfile
from pathlib import Path

from django.conf import settings

_counter = itertools.count()


def make_torrent(
    *,
    name: str | None = None,
    files: dict[str, int] | None = None,
    version: str = "hybrid",
    trackers: list[list[str]] | None = None,
    site_tracker: bool = True,
    private: bool = False,
    comment: str | None = None,
    piece_size: int = 16384,
    payload_dir: Path | None = None,
) -> bytes:
    """Create a torrent over real files with libtorrent and return its bytes.

    `files` maps relative paths to sizes; contents are unique per call so every torrent
    has new info hashes. `version` is v1, v2 or hybrid.
    """
    import libtorrent as lt

    serial = next(_counter)
    name = name or f"Test Release {serial} - 01 (1080p)"
    files = files or {f"{name}.mkv": 40000 + serial}
    base = Path(payload_dir or tempfile.mkdtemp(prefix="anirena-payload-"))
    root = base / name if len(files) > 1 or any("/" in path for path in files) else base
    for relative, size in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        seed = f"{serial}:{relative}:".encode()
        target.write_bytes((seed + os.urandom(16)) * (size // (len(seed) + 16) + 1))
        with open(target, "r+b") as handle:
            handle.truncate(size)

    storage = lt.file_storage()
    lt.add_files(storage, str(root / next(iter(files))) if root == base else str(root))
    flags = {"v1": lt.create_torrent.v1_only, "v2": lt.create_torrent.v2_only, "hybrid": 0}[version]
    creator = lt.create_torrent(storage, piece_size, flags=flags)
    tiers = [list(tier) for tier in (trackers or [])]
    if site_tracker:
        tiers = [[settings.ANNOUNCE_URLS[0]]] + tiers
    for tier_index, tier in enumerate(tiers):
        for url in tier:
            creator.add_tracker(url, tier_index)
    if private:
        creator.set_priv(True)
    if comment:
        creator.set_comment(comment)
    creator.set_creator("anirena-tests")
    lt.set_piece_hashes(creator, str(base))
    return lt.bencode(creator.generate())


def libtorrent_hashes(data: bytes) -> tuple[str | None, str | None]:
    """Return (v1, v2) info hashes as libtorrent computes them, hex, None where absent."""
    import libtorrent as lt

    hashes = lt.torrent_info(data).info_hashes()
    v1 = str(hashes.v1) if hashes.has_v1() else None
    v2 = hashes.v2.to_bytes().hex() if hashes.has_v2() else None
    return v1, v2


def make_user(username: str = "uploader", *, password: str = "correct horse battery staple", active: bool = True,
              **fields):
    from django.utils import timezone

    from anirena.accounts.models import User

    user = User.objects.create_user(username=username, email=f"{username}@example.org", password=password,
                                    is_active=active, **fields)
    if active:
        User.objects.filter(pk=user.pk).update(activated_at=timezone.now())
        user.refresh_from_db()
    return user
