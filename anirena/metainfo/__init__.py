"""Torrent metainfo core: bencoding, .torrent validation, magnets, rewriting.

Plain Python, no Django. Entry points::

    meta = parse_torrent(data)            # Metainfo, or raises MetainfoError
    build_magnet(meta, ["https://tracker.example/announce"])
    rewrite_torrent(data, first_tier=["https://tracker.example/announce"])
    set_private(data, True)               # new info-hash: parse the result

The reference for what is accepted is libtorrent 2.1.1 (the engine behind
qBittorrent, Deluge and others): every file it refuses is refused here with
a specific :class:`MetainfoError` (``.code`` + a message naming the value),
and the files it accepts are accepted with the same info-hashes, except for
the deliberate extra refusals listed below (path hazards, and a few
malformed constructs that libtorrent quietly repairs or ignores). The
limits and rules were found by reading libtorrent's source and probing the
``libtorrent`` Python bindings (``tests/metainfo`` holds the evidence).

RULES
=====

Bencoding (``bencode.py``)
--------------------------
Always fatal, anywhere in the file (``BencodeError`` from :func:`decode`,
``MetainfoError(code="invalid-bencoding")`` from :func:`parse_torrent`):

* not exactly one value: trailing bytes after it are refused, except that
  ``parse_torrent`` tolerates trailing ASCII whitespace (some tools append a
  newline; it is reported as a warning). libtorrent ignores any trailing
  bytes; we do not.
* malformed integers: empty, leading zeros, ``-0``, non-digits, outside the
  signed 64-bit range. libtorrent tolerates leading zeros and ``-0`` in v1
  torrents; we refuse them everywhere, since they give one value two
  encodings.
* malformed strings: non-digit or zero-padded length, missing ``:``, a
  length running past the end (checked before anything is allocated).
* unterminated lists/dictionaries, non-string dictionary keys, keys without
  values.
* more than 99 nested lists/dictionaries or 3,000,000 tokens (libtorrent's
  ``load_torrent_limits``: depth 100 counted its way, tokens 3,000,000), and
  files over 10 MiB (``max_size``).

Only a warning, except where libtorrent refuses them:

* dictionary keys out of sorted order, and duplicate keys (the first
  occurrence wins, as in libtorrent's ``dict_find``; the later value is
  parsed and dropped). Each finding names the key path, e.g.
  ``info/files[0]/length``.
* Fatal (``non-canonical-bencoding``) when they occur anywhere inside the
  ``info`` dictionary and that dictionary holds an integer ``meta version``
  greater than 0 -- libtorrent runs its strict "soft error" check exactly
  then (so v2 and hybrid torrents, and also v1 torrents that declare
  ``meta version`` 1). Elsewhere (the outer dictionary, ``piece layers``,
  any v1 info dictionary) they stay warnings: libtorrent accepts
  ``unordered.torrent`` and ``pad_file.torrent``.

Structure (libtorrent 2.1.1 limits)
-----------------------------------
* ``piece length`` 1 .. 536,854,528 (32767 x 16 KiB); v2 and hybrid: a
  power of two >= 16 KiB. A file length 0 .. 17,592,186,028,031; all files
  together (padding included) at most 2**48 - 1 bytes; at most 2,097,152
  pieces; ``pieces`` exactly 20 bytes per piece.
* ``name`` (``name.utf-8`` preferred when it is a string) must be a
  non-empty string (libtorrent lets a multi-file torrent have an empty name).
* At least one file, and at least one byte that is not padding (libtorrent
  accepts a torrent of nothing but padding; we do not). A dictionary with
  only ``magnet-uri`` and no ``info`` is refused (libtorrent loads it as a
  magnet link).
* ``meta version`` greater than 2 is refused; ``meta version`` 2 needs a
  ``file tree``; a ``file tree`` without ``meta version`` 2 is refused.
* v2: ``file tree`` nodes are dictionaries with non-empty names; no file
  carries the pad attribute; a non-empty file has a 32-byte ``pieces root``
  that is not all zeros. ``piece layers`` may be absent or incomplete (a
  warning: clients then fetch those hashes from peers), but each entry
  present must have a 32-byte key that is the root of a file larger than
  one piece, hold 32 bytes per piece of that file, and hash (padded to a
  power of two with zero-subtree hashes) to that root.
* Hybrid (``meta version`` 2 plus ``files`` or ``length``): the v1 list
  without its padding must equal the v2 tree in order -- paths and sizes,
  and, stricter than libtorrent, also the names of empty files and
  symlinks and the symlink targets, which libtorrent does not compare. Each
  v1 padding file must be shorter than a piece and end on a piece boundary;
  every v1 file with data must start on a piece boundary; a padding file
  after the last file is optional (``v2_hybrid-missing-tailpad.torrent``).
  A hybrid with an empty ``files`` list or without ``pieces`` is refused
  (libtorrent keeps such a file as a hybrid anyway).

Paths (``paths.py``)
--------------------
Every path element (file and folder names, ``name``, v2 ``file tree``
keys, symlink targets) is decoded as UTF-8 with U+FFFD for bad bytes, and:

* refused (``unsafe-path``), where libtorrent quietly rewrites the name:
  an element that is ``..``; that contains ``..`` between ``/`` or ``\\``
  separators (``abc/../def``); that starts with ``/`` or ``\\`` (absolute);
  that starts with a drive letter (``C:``); that contains ``/`` anywhere
  (not a valid character in any file name); that contains a NUL byte.
* when both ``name`` and ``name.utf-8`` (or ``path`` and ``path.utf-8``)
  are present, the variant we display is the ``.utf-8`` one (as libtorrent
  does), but both must pass these checks, since older clients write the
  plain one.
* refused (``duplicate-path``): two non-padding files with the same path,
  or a file whose path is used as a folder by another file (libtorrent
  renames one of them to ``name.1.ext``).
* tidied for display, with a warning: an empty element is shown as ``_``
  and ``.`` is dropped (both like libtorrent; a path left with nothing is
  ``_``); text-direction control characters (U+202A-E, U+200E/F,
  U+2066-9) are removed; other control characters become ``_``. Other
  backslashes, Windows-reserved characters, trailing dots/spaces and long
  names are kept (a warning is given for backslashes and for names that
  differ only in letter case).

Files are listed relative to the torrent's folder (``Metainfo.name``); a
single-file torrent lists one file whose path is its name.

Padding and symlinks
--------------------
Padding files (BEP 47 ``attr`` containing ``p``, or a path containing
``_____padding_file_`` like libtorrent's BitComet check) are hidden from
``Metainfo.files`` and not counted in ``total_size``; v1 padding without a
path is allowed (as ``.pad/<size>``). A symlink (``attr`` containing ``l``
with a ``symlink path``) is listed in ``files`` with size 0 and
``symlink_to`` set to its target relative to the torrent folder; it takes no
room in the payload. Its target must pass the path rules; a target outside
the torrent's own files is only a warning. An ``l`` without a usable
``symlink path`` is listed as an empty regular file (libtorrent does the
same).

Other fields
------------
Trackers come from ``announce-list`` tiers (non-lists and non-strings
dropped, whitespace stripped, duplicates removed across tiers, empty tiers
dropped), falling back to ``announce``. Web seeds are ``url-list`` (string
or list) then ``httpseeds``, deduplicated. ``creation date`` in
milliseconds is divided by 1000; non-positive values or values after 2100
are ignored with a warning. ``private`` is any non-zero integer.
"""

from .bencode import BencodeError, decode, encode
from .errors import MetainfoError
from .files import FileEntry
from .magnet import build_magnet
from .rewrite import rewrite_torrent, set_private
from .torrent import Metainfo, parse_torrent

__all__ = [
    "parse_torrent",
    "Metainfo",
    "FileEntry",
    "MetainfoError",
    "BencodeError",
    "decode",
    "encode",
    "build_magnet",
    "rewrite_torrent",
    "set_private",
]
