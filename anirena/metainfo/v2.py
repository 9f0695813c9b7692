"""BEP 52 (v2) metadata: the file tree, piece layers and hybrid consistency."""

from __future__ import annotations

import hashlib
from typing import Any, Sequence

from .errors import MetainfoError
from .files import (
    BLOCK_SIZE,
    RawEntry,
    check_length,
    parse_attr,
    symlink_target,
)
from .paths import check_element

HASH_SIZE = 32
#: libtorrent refuses file trees nested deeper than this (extract_files2)
MAX_TREE_DEPTH = 100


def check_v2_piece_length(piece_length: int) -> None:
    if piece_length < BLOCK_SIZE or piece_length & (piece_length - 1):
        raise MetainfoError(
            "bad-piece-length",
            f"info/piece length: a v2 torrent needs a power of two of at least 16 KiB "
            f"(got {piece_length}).",
            path="info/piece length",
        )


def parse_file_tree(
    tree: Any, has_v1_files: bool, warnings: list[str]
) -> tuple[list[RawEntry], bool]:
    """Walk 'file tree' in order. Returns (entries, multi_file).

    The entries have v2 paths relative to the torrent folder and no padding;
    use :func:`with_implicit_padding` for the piece layout.
    """
    if not isinstance(tree, dict):
        raise MetainfoError(
            "bad-file-list", "info/file tree: not a dictionary.", path="info/file tree"
        )
    entries: list[RawEntry] = []
    # iterative walk, in the (sorted) order of the file
    stack: list[tuple[Any, tuple[str, ...], str, int]] = [(iter(tree.items()), (), "info/file tree", 0)]
    single = len(tree) == 1 and not has_v1_files
    while stack:
        items, prefix, where, depth = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        key, node = item
        node_where = f"{where}/{key.decode('utf-8', 'replace')}"
        if not isinstance(node, dict):
            raise MetainfoError(
                "bad-file-list", f"{node_where}: a file tree node is not a dictionary.", path=node_where
            )
        if key == b"":
            raise MetainfoError(
                "bad-file-list",
                f"{node_where}: a file or folder has an empty name.",
                path=node_where,
            )
        shown = check_element(key, node_where, warnings)
        path = prefix if shown is None else prefix + (shown,)
        if len(node) == 1 and b"" in node:
            entries.append(_leaf(node[b""], path, f"{node_where}/''", warnings))
            continue
        if depth + 1 > MAX_TREE_DEPTH:
            raise MetainfoError(
                "bad-file-list", f"{node_where}: folders nested too deeply.", path=node_where
            )
        stack.append((iter(node.items()), path, node_where, depth + 1))
    multi_file = not (single and len(entries) == 1 and len(entries[0].path) == 1)
    return entries, multi_file


def _leaf(node: Any, path: tuple[str, ...], where: str, warnings: list[str]) -> RawEntry:
    if not isinstance(node, dict):
        raise MetainfoError(
            "bad-file-list", f"{where}: a file entry is not a dictionary.", path=where
        )
    if not path:
        raise MetainfoError("bad-path", f"{where}: the file has no usable name.", path=where)
    attr = parse_attr(node, where, warnings)
    if "p" in attr:
        raise MetainfoError(
            "bad-pad-file",
            f"{where}: a file in a v2 file tree carries the pad attribute 'p'; v2 torrents "
            "never list padding files.",
            path=where,
        )
    symlink = None
    if "l" in attr:
        # a symlink takes no room: libtorrent forces its size to 0, even when
        # the 'symlink path' is missing and the entry becomes an empty file
        size = 0
        symlink = symlink_target(node, where, warnings)
        if symlink is None:
            attr = attr.replace("l", "")
    else:
        size = check_length(node.get(b"length"), f"{where}/length")
    root = None
    if symlink is None:
        root = node.get(b"pieces root")
        if size > 0:
            if not isinstance(root, bytes) or len(root) != HASH_SIZE:
                raise MetainfoError(
                    "missing-pieces-root",
                    f"{where}/pieces root: a non-empty v2 file needs a 32-byte 'pieces root'.",
                    path=f"{where}/pieces root",
                )
            if root == bytes(HASH_SIZE):
                raise MetainfoError(
                    "missing-pieces-root",
                    f"{where}/pieces root: the 'pieces root' of a non-empty file is all zeros.",
                    path=f"{where}/pieces root",
                )
        else:
            root = None
    return RawEntry(path, size, False, attr, symlink, where, pieces_root=root)


def with_implicit_padding(entries: Sequence[RawEntry], piece_length: int) -> list[RawEntry]:
    """The v2 layout: every file with data starts on a piece boundary.

    A pad entry is put in front of each non-empty file whose offset is not
    aligned (never after the last file), like libtorrent's file_storage.
    """
    out: list[RawEntry] = []
    offset = 0
    for entry in entries:
        if entry.pieces_root is not None and entry.size > 0 and offset % piece_length:
            gap = piece_length - offset % piece_length
            out.append(RawEntry((".pad", str(gap)), gap, True, "p", None, entry.where))
            offset += gap
        out.append(entry)
        offset += entry.size
    return out


def check_hybrid(v1: Sequence[RawEntry], v2: Sequence[RawEntry], piece_length: int) -> None:
    """Refuse a hybrid whose v1 list does not describe the v2 tree.

    The rule, matching libtorrent 2.1.1 (and stricter about symlinks): the
    v1 entries without the padding must equal the v2 files in order (same
    path and size, same symlink target), every v1 padding file must be
    shorter than a piece and end exactly on a piece boundary, and every v1
    file with data must start where the v2 layout puts it (on a piece
    boundary). A padding file after the last file is optional.
    """
    real = [e for e in v1 if not e.pad]
    if len(real) != len(v2):
        raise MetainfoError(
            "hybrid-mismatch",
            f"info/files: the v1 file list has {len(real)} files but the v2 file tree has "
            f"{len(v2)}; the two parts of this hybrid torrent disagree.",
            path="info/files",
        )
    for a, b in zip(real, v2):
        if a.path != b.path or a.size != b.size:
            raise MetainfoError(
                "hybrid-mismatch",
                f"{a.where}: the v1 entry {'/'.join(a.path)!r} ({a.size} bytes) does not match "
                f"the v2 entry {'/'.join(b.path)!r} ({b.size} bytes).",
                path=a.where,
            )
        if a.symlink != b.symlink:
            raise MetainfoError(
                "hybrid-mismatch",
                f"{a.where}: the v1 and v2 parts disagree about the symlink "
                f"{'/'.join(a.path)!r}.",
                path=a.where,
            )
    offset = 0
    for entry in v1:
        if entry.pad:
            if entry.size == 0 or entry.size >= piece_length or (offset + entry.size) % piece_length:
                raise MetainfoError(
                    "hybrid-mismatch",
                    f"{entry.where}: a padding file of {entry.size} bytes at offset {offset} does "
                    "not end on a piece boundary, so the v1 layout differs from the v2 layout.",
                    path=entry.where,
                )
        elif entry.size > 0 and offset % piece_length:
            raise MetainfoError(
                "hybrid-mismatch",
                f"{entry.where}: the file {'/'.join(entry.path)!r} starts at offset {offset}, "
                "not on a piece boundary as v2 requires; a padding file is missing.",
                path=entry.where,
            )
        offset += entry.size


def _zero_hashes(levels: int) -> list[bytes]:
    """Hashes of all-zero subtrees: index 0 is a zero leaf (32 zero bytes)."""
    out = [bytes(HASH_SIZE)]
    for _ in range(levels):
        out.append(hashlib.sha256(out[-1] + out[-1]).digest())
    return out


def merkle_root_from_layer(layer: bytes, piece_length: int) -> bytes:
    """Root of a file's tree given its piece layer (BEP 52 padding rules)."""
    hashes = [layer[i : i + HASH_SIZE] for i in range(0, len(layer), HASH_SIZE)]
    height = (piece_length // BLOCK_SIZE).bit_length() - 1
    width = 1
    while width < len(hashes):
        width *= 2
    zeros = _zero_hashes(height + width.bit_length())
    pad = zeros[height]
    hashes.extend([pad] * (width - len(hashes)))
    sha = hashlib.sha256
    while len(hashes) > 1:
        hashes = [sha(hashes[i] + hashes[i + 1]).digest() for i in range(0, len(hashes), 2)]
    return hashes[0]


def check_piece_layers(
    layers: Any, entries: Sequence[RawEntry], piece_length: int, warnings: list[str]
) -> None:
    """Validate 'piece layers' against the file tree (libtorrent 2.1.1 rules)."""
    if layers is None:
        if any(e.size > piece_length for e in entries if e.pieces_root is not None):
            warnings.append(
                "piece layers: missing; clients must fetch the piece hashes from peers"
            )
        return
    if not isinstance(layers, dict):
        warnings.append("piece layers: not a dictionary, ignored")
        return
    wanted: dict[bytes, RawEntry] = {}
    for entry in entries:
        if entry.pieces_root is not None and entry.size > piece_length:
            wanted.setdefault(entry.pieces_root, entry)
    for root, layer in layers.items():
        where = f"piece layers/{root.hex()}"
        if len(root) != HASH_SIZE:
            raise MetainfoError(
                "bad-piece-layer",
                f"piece layers: a key is {len(root)} bytes long instead of 32.",
                path="piece layers",
            )
        if not isinstance(layer, bytes) or len(layer) % HASH_SIZE:
            raise MetainfoError(
                "bad-piece-layer",
                f"{where}: the piece layer is not a string whose length is a multiple of 32.",
                path=where,
            )
        entry = wanted.get(root)
        if entry is None:
            raise MetainfoError(
                "bad-piece-layer",
                f"{where}: no file larger than one piece has this pieces root.",
                path=where,
            )
        count = -(-entry.size // piece_length)
        if len(layer) != count * HASH_SIZE:
            raise MetainfoError(
                "bad-piece-layer",
                f"{where}: the piece layer of {'/'.join(entry.path)!r} holds {len(layer) // HASH_SIZE} "
                f"hashes but the file has {count} pieces.",
                path=where,
            )
        if merkle_root_from_layer(layer, piece_length) != root:
            raise MetainfoError(
                "bad-piece-layer",
                f"{where}: the piece layer of {'/'.join(entry.path)!r} does not hash to the "
                "file's pieces root; the torrent is damaged.",
                path=where,
            )
    missing = [e for r, e in wanted.items() if r not in layers]
    if missing:
        warnings.append(
            f"piece layers: {len(missing)} file(s) larger than one piece have no piece layer "
            "(clients fetch those hashes from peers)"
        )
