"""Path elements: decoding, hazard checks and display form.

The rules are listed in the package docstring (``anirena.metainfo``, section
"Paths"). In short, an element is refused when it could make a client write
outside its download folder or confuse a reader, and merely tidied up (with
a warning) when it is odd but harmless.
"""

from __future__ import annotations

import re
from typing import Sequence

from .errors import MetainfoError

#: BitComet-style legacy padding files (same test as libtorrent: substring)
LEGACY_PAD_MARKER = "_____padding_file_"

# Unicode characters that change the writing direction; they are used to
# disguise file extensions ("movie\u202eavi.exe"). libtorrent drops them too.
_BIDI = dict.fromkeys(
    (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069)
)
_CONTROL = re.compile("[\x01-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
_BIDI_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# anything that needs a closer look; most names match none of it
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f/\\\\\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]|\\A\\.\\.?\\Z|\\A\\Z|\\A[A-Za-z]:"
)


def decode_text(raw: bytes) -> str:
    """Decode metadata text: UTF-8, undecodable bytes become U+FFFD."""
    return raw.decode("utf-8", "replace")


def check_element(raw: bytes, where: str, warnings: list[str]) -> str | None:
    """Validate one path element and return its display form.

    Returns ``None`` for an element that is dropped from the displayed path
    (``.``). Raises :class:`MetainfoError` (``unsafe-path``) for hazards.
    """
    text = decode_text(raw)
    if _SUSPECT.search(text) is None:
        return text
    if "\x00" in text:
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the name {_show(raw)} contains a NUL byte, which truncates names "
            "in many programs. Re-create the torrent from files with ordinary names.",
            path=where,
        )
    if text == "..":
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the path element '..' points to the parent folder, so a client could "
            "write outside its download folder. Re-create the torrent without it.",
            path=where,
        )
    if text[:1] in ("/", "\\"):
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the name {_show(raw)} starts with '{text[0]}', which makes it an absolute "
            "path. Re-create the torrent with relative file names.",
            path=where,
        )
    if _DRIVE.match(text):
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the name {_show(raw)} starts with a drive letter ('{text[:2]}'), which "
            "Windows treats as a path on another drive. Rename it and re-create the torrent.",
            path=where,
        )
    if ".." in _SEPARATORS.split(text):
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the name {_show(raw)} hides a '..' between separators, which could "
            "escape the download folder. Re-create the torrent without it.",
            path=where,
        )
    if "/" in text:
        raise MetainfoError(
            "unsafe-path",
            f"{where}: the name {_show(raw)} contains '/', which no file system allows inside "
            "a name; each folder must be a separate path element.",
            path=where,
        )
    if text == ".":
        warnings.append(f"{where}: the path element '.' was ignored")
        return None
    if text == "":
        warnings.append(f"{where}: an empty path element is shown as '_'")
        return "_"
    shown = text
    if _BIDI_RE.search(shown):
        shown = shown.translate(_BIDI)
        warnings.append(
            f"{where}: text-direction control characters were removed from {_show(raw)}"
        )
    if _CONTROL.search(shown):
        shown = _CONTROL.sub("_", shown)
        warnings.append(f"{where}: control characters in {_show(raw)} are shown as '_'")
    if "\\" in shown:
        warnings.append(
            f"{where}: the name {_show(raw)} contains a backslash, a folder separator on Windows"
        )
    if "\ufffd" in text:
        warnings.append(f"{where}: the name is not valid UTF-8; undecodable bytes are shown as U+FFFD")
    if shown == "":
        shown = "_"
    return shown


def check_path(
    elements: Sequence[bytes], where: str, warnings: list[str]
) -> tuple[str, ...]:
    """Validate a list of path elements and return the displayed elements."""
    out: list[str] = []
    for i, raw in enumerate(elements):
        shown = check_element(raw, f"{where}[{i}]", warnings)
        if shown is not None:
            out.append(shown)
    if not out:
        # every element was '.': libtorrent falls back to '_' as well
        warnings.append(f"{where}: the path has no usable element and is shown as '_'")
        out.append("_")
    return tuple(out)


def is_legacy_pad(path: Sequence[str]) -> bool:
    return any(LEGACY_PAD_MARKER in part for part in path)


def _show(raw: bytes, limit: int = 60) -> str:
    text = decode_text(raw[:limit])
    return repr(text) + ("..." if len(raw) > limit else "")
