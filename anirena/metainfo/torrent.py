"""Parse and validate a .torrent file: :func:`parse_torrent` -> :class:`Metainfo`.

The rules (what is refused, what only warns) are documented in the package
docstring, ``anirena.metainfo``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .bencode import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_SIZE,
    DEFAULT_MAX_TOKENS,
    BencodeError,
    Document,
    decode_document,
    format_path,
)
from .errors import MetainfoError
from .files import (
    MAX_PIECE_LENGTH,
    FileEntry,
    RawEntry,
    check_duplicates,
    check_piece_count,
    check_totals,
    parse_v1_files,
    public_entries,
)
from .paths import check_element, decode_text
from .v2 import (
    check_hybrid,
    check_piece_layers,
    check_v2_piece_length,
    parse_file_tree,
    with_implicit_padding,
)

__all__ = ["Metainfo", "parse_torrent"]

# creation dates: seconds up to 2100-01-01 are taken as they are; bigger
# values that fit once divided by 1000 are taken as milliseconds.
_MAX_EPOCH = 4102444800


@dataclass(frozen=True)
class Metainfo:
    """A validated torrent. Build it with :func:`parse_torrent`."""

    info_hash_v1: str | None
    info_hash_v2: str | None
    version: str  # "v1", "v2" or "hybrid"
    name: str
    total_size: int  # bytes of content, padding excluded
    files: tuple[FileEntry, ...]  # padding files hidden
    piece_length: int
    piece_count: int
    trackers: tuple[tuple[str, ...], ...]
    comment: str | None
    created_by: str | None
    creation_date: datetime | None
    private: bool
    web_seeds: tuple[str, ...]
    warnings: tuple[str, ...]
    info_bytes: bytes
    raw: bytes
    multi_file: bool = False
    #: (start, end) of the info value inside ``raw``
    info_span: tuple[int, int] = (0, 0)

    @property
    def all_trackers(self) -> tuple[str, ...]:
        return tuple(url for tier in self.trackers for url in tier)


def parse_torrent(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Metainfo:
    """Validate ``data`` as a .torrent file; raise :class:`MetainfoError` if refused."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"torrent data must be bytes, not {type(data).__name__}")
    if len(data) > max_size:
        raise MetainfoError(
            "too-large",
            f"The file is {len(data)} bytes; torrent files over {max_size} bytes are not accepted.",
        )
    try:
        doc = decode_document(
            data,
            max_size=max_size,
            max_depth=max_depth,
            max_tokens=max_tokens,
            allow_trailing_whitespace=True,
        )
    except BencodeError as exc:
        raise MetainfoError(
            "invalid-bencoding",
            f"It is not bencoded data: {exc.message} at byte {exc.offset}.",
            offset=exc.offset,
        ) from exc
    return _Parser(data, doc).parse()


class _Parser:
    def __init__(self, data: bytes, doc: Document):
        self.data = data
        self.doc = doc
        self.warnings: list[str] = []

    def parse(self) -> Metainfo:
        top = self.doc.value
        if not isinstance(top, dict):
            raise MetainfoError(
                "not-a-dictionary",
                "This is not a torrent file: its top level is not a dictionary.",
            )
        info = top.get(b"info")
        span = self.doc.info_span
        if not isinstance(info, dict) or span is None:
            raise MetainfoError(
                "missing-info",
                "The torrent has no 'info' dictionary"
                + (" ('info' is not a dictionary)." if b"info" in top else ".")
                + " A magnet link or a damaged file cannot be uploaded as a torrent.",
                path="info",
            )
        info_bytes = self.data[span[0] : span[1]]

        version_value = info.get(b"meta version")
        version = version_value if isinstance(version_value, int) else -1
        self._bencoding_findings(span, strict=version > 0)
        if version > 2:
            raise MetainfoError(
                "unknown-meta-version",
                f"info/meta version: version {version} is not supported (only 1 and 2 exist).",
                path="info/meta version",
            )
        if version_value is not None and not isinstance(version_value, int):
            self.warnings.append("info/meta version: not an integer, ignored")

        piece_length = info.get(b"piece length")
        if (
            not isinstance(piece_length, int)
            or isinstance(piece_length, bool)
            or piece_length <= 0
            or piece_length > MAX_PIECE_LENGTH
        ):
            shown = "missing" if piece_length is None else repr(piece_length)
            raise MetainfoError(
                "bad-piece-length",
                f"info/piece length: must be a positive integer of at most {MAX_PIECE_LENGTH} "
                f"bytes (got {shown}).",
                path="info/piece length",
            )
        if version == 2:
            check_v2_piece_length(piece_length)

        name = self._name(info)

        file_tree = info.get(b"file tree")
        v2_entries: list[RawEntry] | None = None
        if version == 2:
            if not isinstance(file_tree, dict):
                raise MetainfoError(
                    "missing-file-tree",
                    "info/file tree: a v2 torrent ('meta version' 2) needs a 'file tree' dictionary.",
                    path="info/file tree",
                )
            has_v1_list = isinstance(info.get(b"files"), list)
            v2_entries, v2_multi = parse_file_tree(file_tree, has_v1_list, self.warnings)
        elif isinstance(file_tree, dict):
            raise MetainfoError(
                "missing-meta-version",
                "info/file tree: the torrent has a v2 'file tree' but does not declare "
                "'meta version' 2.",
                path="info/file tree",
            )

        has_v1 = version != 2 or isinstance(info.get(b"files"), list) or b"length" in info
        v1_entries: list[RawEntry] | None = None
        v1_multi = False
        if has_v1:
            v1_entries, v1_multi = parse_v1_files(info, (name,), self.warnings)
            if not v1_entries:
                raise MetainfoError(
                    "no-files", "info/files: the file list is empty.", path="info/files"
                )

        if v2_entries is not None:
            if not v2_entries:
                raise MetainfoError(
                    "no-files", "info/file tree: the file tree holds no files.", path="info/file tree"
                )
            layout = with_implicit_padding(v2_entries, piece_length)
            multi_file = v2_multi
        else:
            assert v1_entries is not None
            layout = v1_entries
            multi_file = v1_multi
        check_duplicates(layout, multi_file, self.warnings)
        if v1_entries is not None and v2_entries is not None:
            check_hybrid(v1_entries, v2_entries, piece_length)
            layout_total = check_totals(v1_entries)
            check_totals(layout)
        else:
            layout_total = check_totals(layout)

        content = sum(e.size for e in layout if not e.pad)
        if layout_total == 0 or content == 0:
            raise MetainfoError(
                "zero-size",
                "The torrent holds no data: every file is empty"
                + (" or padding." if layout_total else "."),
            )
        piece_count = check_piece_count(layout_total, piece_length)

        pieces = info.get(b"pieces")
        if has_v1:
            if not isinstance(pieces, bytes):
                raise MetainfoError(
                    "bad-pieces",
                    "info/pieces: the v1 piece hashes are missing or not a string.",
                    path="info/pieces",
                )
            if len(pieces) != piece_count * 20:
                raise MetainfoError(
                    "bad-pieces",
                    f"info/pieces: holds {len(pieces)} bytes, but {piece_count} pieces need "
                    f"{piece_count * 20} (20 per piece); the torrent is damaged.",
                    path="info/pieces",
                )
        elif pieces is not None:
            if not isinstance(pieces, bytes) or len(pieces) != piece_count * 20:
                raise MetainfoError(
                    "bad-pieces",
                    "info/pieces: a v2-only torrent carries v1 piece hashes of the wrong size.",
                    path="info/pieces",
                )
            self.warnings.append("info/pieces: v1 piece hashes without a v1 file list are ignored")

        if v2_entries is not None:
            check_piece_layers(top.get(b"piece layers"), v2_entries, piece_length, self.warnings)

        self._check_symlinks(layout)

        if version == 2:
            kind = "hybrid" if has_v1 else "v2"
        else:
            kind = "v1"
        private_value = info.get(b"private")
        if private_value is not None and not isinstance(private_value, int):
            self.warnings.append("info/private: not an integer, the torrent is treated as public")
        private = isinstance(private_value, int) and private_value != 0

        return Metainfo(
            info_hash_v1=hashlib.sha1(info_bytes).hexdigest() if has_v1 else None,
            info_hash_v2=hashlib.sha256(info_bytes).hexdigest() if version == 2 else None,
            version=kind,
            name=name,
            total_size=content,
            files=public_entries(layout),
            piece_length=piece_length,
            piece_count=piece_count,
            trackers=self._trackers(top),
            comment=self._text(top, b"comment"),
            created_by=self._text(top, b"created by"),
            creation_date=self._creation_date(top.get(b"creation date")),
            private=private,
            web_seeds=self._web_seeds(top),
            warnings=tuple(self.warnings),
            info_bytes=info_bytes,
            raw=self.data,
            multi_file=multi_file,
            info_span=span,
        )

    # -- pieces of the parse ------------------------------------------------

    def _bencoding_findings(self, span: tuple[int, int], strict: bool) -> None:
        start, end = span
        for finding in self.doc.irregularities:
            inside = start <= finding.offset < end
            if strict and inside and finding.kind in ("unsorted-key", "duplicate-key"):
                what = "is out of sorted order" if finding.kind == "unsorted-key" else "is duplicated"
                raise MetainfoError(
                    "non-canonical-bencoding",
                    f"{format_path(finding.path)}: the key {what} (byte {finding.offset}). "
                    "Torrents with 'meta version' must use strict bencoding inside 'info'; "
                    "re-create the torrent with a current client.",
                    path=format_path(finding.path),
                    offset=finding.offset,
                )
            self.warnings.append(finding.describe())

    def _name(self, info: dict) -> str:
        raw = info.get(b"name.utf-8")
        key = "name.utf-8"
        if not isinstance(raw, bytes):
            raw = info.get(b"name")
            key = "name"
        if not isinstance(raw, bytes):
            raise MetainfoError(
                "bad-name",
                "info/name: the torrent has no name"
                + (" (it is not a string)." if b"name" in info else "."),
                path="info/name",
            )
        if raw == b"":
            raise MetainfoError("bad-name", f"info/{key}: the torrent name is empty.", path=f"info/{key}")
        shown = check_element(raw, f"info/{key}", self.warnings)
        plain = info.get(b"name")
        if key == "name.utf-8" and isinstance(plain, bytes) and plain and plain != raw:
            # clients that ignore 'name.utf-8' use 'name': it must be safe too
            check_element(plain, "info/name", [])
        if shown is None:
            raise MetainfoError(
                "bad-name", f"info/{key}: '.' is not a usable torrent name.", path=f"info/{key}"
            )
        return shown

    def _check_symlinks(self, layout: list[RawEntry]) -> None:
        links = [e for e in layout if e.symlink is not None]
        if not links:
            return
        known: set[tuple[str, ...]] = set()
        for entry in layout:
            if entry.pad:
                continue
            known.add(entry.path)
            for i in range(1, len(entry.path)):
                known.add(entry.path[:i])
        for entry in links:
            if entry.symlink not in known:
                self.warnings.append(
                    f"{entry.where}: the symlink target {'/'.join(entry.symlink or ())!r} is not "
                    "part of the torrent"
                )

    def _text(self, top: dict, key: bytes) -> str | None:
        value = top.get(key + b".utf-8")
        if not isinstance(value, bytes):
            value = top.get(key)
        if not isinstance(value, bytes):
            return None
        text = decode_text(value).strip()
        return text or None

    def _trackers(self, top: dict) -> tuple[tuple[str, ...], ...]:
        seen: set[str] = set()
        tiers: list[tuple[str, ...]] = []
        announce_list = top.get(b"announce-list")
        if isinstance(announce_list, list):
            for tier in announce_list:
                if not isinstance(tier, list):
                    continue
                urls = []
                for url in tier:
                    if not isinstance(url, bytes):
                        continue
                    text = decode_text(url).strip()
                    if text and text not in seen:
                        seen.add(text)
                        urls.append(text)
                if urls:
                    tiers.append(tuple(urls))
        if not tiers:
            announce = top.get(b"announce")
            if isinstance(announce, bytes):
                text = decode_text(announce).strip()
                if text:
                    tiers.append((text,))
        return tuple(tiers)

    def _web_seeds(self, top: dict) -> tuple[str, ...]:
        out: list[str] = []
        for key in (b"url-list", b"httpseeds"):
            value = top.get(key)
            items = [value] if isinstance(value, bytes) else value if isinstance(value, list) else []
            for item in items:
                if not isinstance(item, bytes):
                    continue
                text = decode_text(item).strip()
                if text and text not in out:
                    out.append(text)
        return tuple(out)

    def _creation_date(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.warnings.append("creation date: not an integer, ignored")
            return None
        seconds = value
        if seconds > _MAX_EPOCH and seconds // 1000 <= _MAX_EPOCH:
            seconds //= 1000  # written in milliseconds by some tools
        if seconds <= 0 or seconds > _MAX_EPOCH:
            self.warnings.append(f"creation date: {value} is not a plausible date, ignored")
            return None
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
