"""The exception raised for torrents we refuse, with a machine-readable code."""

from __future__ import annotations


class MetainfoError(ValueError):
    """A .torrent file we refuse.

    ``str(error)`` (and ``error.message``) is a sentence for the uploader: which
    value is wrong, what is wrong with it and, where it helps, what to do.
    ``error.code`` is a stable identifier for programs and tests (see
    ``CODES``). ``error.path`` names the offending value (``info/files[3]/path``)
    or is empty; ``error.offset`` is a byte offset for bencoding errors.
    """

    def __init__(self, code: str, message: str, *, path: str = "", offset: int | None = None):
        if code not in CODES:  # pragma: no cover - programming error
            raise AssertionError(f"unknown MetainfoError code {code!r}")
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        super().__init__(message)

    def __repr__(self) -> str:
        return f"MetainfoError({self.code!r}, {self.message!r})"


#: every code ``MetainfoError.code`` can take, with a one-line meaning
CODES: dict[str, str] = {
    "invalid-bencoding": "the file is not well-formed bencoding",
    "too-large": "the file is bigger than the accepted maximum",
    "not-a-dictionary": "the top level is not a dictionary",
    "missing-info": "no 'info' dictionary",
    "non-canonical-bencoding": "unsorted or duplicate keys inside the info dictionary of a v2/hybrid torrent",
    "unknown-meta-version": "'meta version' is newer than 2",
    "missing-file-tree": "'meta version' 2 without a 'file tree'",
    "missing-meta-version": "a 'file tree' without 'meta version' 2",
    "bad-piece-length": "'piece length' missing, not an integer or out of range",
    "bad-name": "'name' missing, empty or not a string",
    "bad-file-list": "'files' or 'file tree' is malformed",
    "bad-path": "a file path is missing or malformed",
    "unsafe-path": "a path could escape the download folder or is otherwise hazardous",
    "duplicate-path": "two files claim the same path",
    "bad-length": "a file length is missing, negative or too large",
    "no-files": "the torrent lists no files",
    "zero-size": "the torrent holds no data",
    "too-many-pieces": "more pieces than libtorrent accepts",
    "bad-pieces": "'pieces' is missing or has the wrong length",
    "bad-pad-file": "a v2 file carries the pad attribute",
    "missing-pieces-root": "a non-empty v2 file has no valid 'pieces root'",
    "bad-piece-layer": "a 'piece layers' entry is malformed or does not match its file",
    "hybrid-mismatch": "the v1 and v2 parts of a hybrid torrent describe different files",
}
