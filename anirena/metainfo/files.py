"""File lists: the public :class:`FileEntry`, BEP 3 (v1) file lists, BEP 47
attributes and the checks shared by v1 and v2 (limits, duplicate paths)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .errors import MetainfoError
from .paths import check_path, decode_text, is_legacy_pad

#: libtorrent 2.1.1 limits, found by probing ``lt.torrent_info``:
#: largest accepted 'piece length' (32767 blocks of 16 KiB)
MAX_PIECE_LENGTH = 32767 * 16384
#: a file's length must satisfy ``length // 16384 < 2**30 - 1``
MAX_FILE_SIZE = (2**31 - 1) // 2 * 16384 - 1
#: the sum of all file lengths (padding included) must not exceed this
MAX_TOTAL_SIZE = 2**48 - 1
#: libtorrent's ``load_torrent_limits::max_pieces`` default (0x200000)
MAX_PIECES = 0x200000
BLOCK_SIZE = 16384

KNOWN_ATTRS = "plxh"


@dataclass(frozen=True)
class FileEntry:
    """One file of a torrent as shown to users.

    ``path`` is joined with "/" and is relative to the torrent's folder for
    multi-file torrents (the folder itself is ``Metainfo.name``); a
    single-file torrent has one entry whose path is the file name.
    Symlinks (BEP 47 attr ``l``) are listed with ``size`` 0 and the target
    (relative to the torrent's folder) in ``symlink_to``. ``attr`` keeps the
    known BEP 47 letters other than ``p`` (``x`` executable, ``h`` hidden,
    ``l`` symlink).
    """

    path: str
    size: int
    symlink_to: str | None = None
    attr: str = ""


@dataclass
class RawEntry:
    """Internal: one entry of a v1 list or v2 tree, padding included."""

    path: tuple[str, ...]
    size: int
    pad: bool
    attr: str
    symlink: tuple[str, ...] | None
    where: str
    pieces_root: bytes | None = None


def parse_attr(node: dict, where: str, warnings: list[str]) -> str:
    """Return the BEP 47 attribute letters of a file dictionary."""
    attr = node.get(b"attr")
    if attr is None:
        return ""
    if not isinstance(attr, bytes):
        warnings.append(f"{where}/attr: not a string, ignored")
        return ""
    text = decode_text(attr)
    unknown = sorted({ch for ch in text if ch not in KNOWN_ATTRS})
    if unknown:
        warnings.append(f"{where}/attr: unknown BEP 47 attribute(s) {''.join(unknown)!r} ignored")
    return "".join(ch for ch in KNOWN_ATTRS if ch in text)


def check_length(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise MetainfoError(
            "bad-length",
            f"{where}: the file length is {'missing' if value is None else 'not an integer'}; "
            "the torrent is damaged.",
            path=where,
        )
    if value < 0:
        raise MetainfoError(
            "bad-length", f"{where}: the file length is negative ({value}).", path=where
        )
    if value > MAX_FILE_SIZE:
        raise MetainfoError(
            "bad-length",
            f"{where}: the file length {value} is larger than the maximum of {MAX_FILE_SIZE} "
            "bytes that BitTorrent clients accept.",
            path=where,
        )
    return value


def symlink_target(node: dict, where: str, warnings: list[str]) -> tuple[str, ...] | None:
    """Parse 'symlink path'; ``None`` when the entry is not a usable symlink."""
    target = node.get(b"symlink path")
    if not isinstance(target, list):
        warnings.append(f"{where}: marked as a symlink but has no 'symlink path'; listed as an empty file")
        return None
    for i, element in enumerate(target):
        if not isinstance(element, bytes):
            raise MetainfoError(
                "bad-path",
                f"{where}/symlink path[{i}]: a symlink path element is not a string.",
                path=f"{where}/symlink path[{i}]",
            )
    if not target:
        warnings.append(f"{where}: the 'symlink path' is empty; listed as an empty file")
        return None
    return check_path(target, f"{where}/symlink path", warnings)


def parse_v1_files(
    info: dict, name_path: tuple[str, ...], warnings: list[str]
) -> tuple[list[RawEntry], bool]:
    """Extract the v1 file list. Returns (entries, multi_file).

    ``name_path`` is the displayed name, the path of a single-file torrent.
    """
    files = info.get(b"files")
    if isinstance(files, list):
        if b"length" in info:
            warnings.append("info: has both 'files' and 'length'; 'length' is ignored")
        entries = [_v1_entry(node, f"info/files[{i}]", warnings) for i, node in enumerate(files)]
        return entries, True
    if files is not None:
        warnings.append("info/files: not a list, ignored; reading the torrent as a single file")
    # single-file torrent: the name is the file name
    attr = parse_attr(info, "info", warnings)
    symlink = None
    if "l" in attr:
        symlink = symlink_target(info, "info", warnings)
        size = 0
        if symlink is None:
            attr = attr.replace("l", "")
    else:
        size = check_length(info.get(b"length"), "info/length")
    pad = "p" in attr
    return [RawEntry(name_path, size, pad, attr, symlink, "info")], False


def _v1_entry(node: Any, where: str, warnings: list[str]) -> RawEntry:
    if not isinstance(node, dict):
        raise MetainfoError(
            "bad-file-list", f"{where}: a file entry is not a dictionary.", path=where
        )
    attr = parse_attr(node, where, warnings)
    symlink = None
    if "l" in attr:
        # symlinks take no room in the payload; libtorrent forces size 0
        size = 0
        symlink = symlink_target(node, where, warnings)
        if symlink is None:
            attr = attr.replace("l", "")
    else:
        size = check_length(node.get(b"length"), f"{where}/length")
    # libtorrent prefers 'path.utf-8' whenever it is a list, even a broken one
    key = b"path.utf-8" if isinstance(node.get(b"path.utf-8"), list) else b"path"
    elements = node.get(key)
    pwhere = f"{where}/{key.decode()}"
    if isinstance(elements, list) and elements:
        for i, element in enumerate(elements):
            if not isinstance(element, bytes):
                raise MetainfoError(
                    "bad-path",
                    f"{pwhere}[{i}]: a path element is not a string.",
                    path=f"{pwhere}[{i}]",
                )
        path = check_path(elements, pwhere, warnings)
        # clients that ignore 'path.utf-8' write 'path': it must be safe too
        other = node.get(b"path")
        if key == b"path.utf-8" and isinstance(other, list) and other != elements:
            if all(isinstance(e, bytes) for e in other) and other:
                check_path(other, f"{where}/path", [])
    elif "p" in attr:
        path = (".pad", str(size))
    else:
        raise MetainfoError(
            "bad-path",
            f"{where}: the file has no path ('path' is missing, empty or not a list).",
            path=where,
        )
    pad = "p" in attr or is_legacy_pad(path)
    return RawEntry(path, size, pad, attr, symlink, where)


def check_totals(entries: Sequence[RawEntry]) -> int:
    """Return the total size (padding included), enforcing libtorrent's limit."""
    total = 0
    for entry in entries:
        total += entry.size
        if total > MAX_TOTAL_SIZE:
            raise MetainfoError(
                "bad-length",
                f"{entry.where}: the files add up to more than {MAX_TOTAL_SIZE} bytes, "
                "more than BitTorrent clients accept.",
                path=entry.where,
            )
    return total


def check_piece_count(total: int, piece_length: int) -> int:
    count = -(-total // piece_length)
    if count > MAX_PIECES:
        raise MetainfoError(
            "too-many-pieces",
            f"info/piece length: {total} bytes in pieces of {piece_length} bytes make {count} "
            f"pieces, more than the {MAX_PIECES} that libtorrent accepts. Re-create the torrent "
            "with a larger piece size.",
            path="info/piece length",
        )
    return count


def check_duplicates(entries: Sequence[RawEntry], multi_file: bool, warnings: list[str]) -> None:
    """Refuse two files with the same path, or a file where a folder is needed."""
    if not multi_file:
        return
    seen: dict[tuple[str, ...], str] = {}
    folded: dict[str, str] = {}
    folders: set[tuple[str, ...]] = set()
    for entry in entries:
        if entry.pad:
            continue
        where = entry.where
        if entry.path in seen:
            raise MetainfoError(
                "duplicate-path",
                f"{where}: the path {'/'.join(entry.path)!r} is used by another file too "
                f"({seen[entry.path]}). Re-create the torrent so every file has its own path.",
                path=where,
            )
        seen[entry.path] = where
        for i in range(1, len(entry.path)):
            folders.add(entry.path[:i])
        key = "/".join(entry.path).casefold()
        if key in folded:
            warnings.append(
                f"{where}: the path {'/'.join(entry.path)!r} differs from {folded[key]} only in "
                "letter case; the two clash on Windows and macOS"
            )
        else:
            folded[key] = where
    for path, where in seen.items():
        if path in folders:
            raise MetainfoError(
                "duplicate-path",
                f"{where}: {'/'.join(path)!r} is a file, but other files use it as a folder.",
                path=where,
            )


def public_entries(entries: Sequence[RawEntry]) -> tuple[FileEntry, ...]:
    return tuple(
        FileEntry(
            path="/".join(e.path),
            size=e.size,
            symlink_to="/".join(e.symlink) if e.symlink is not None else None,
            attr=e.attr.replace("p", ""),
        )
        for e in entries
        if not e.pad
    )
