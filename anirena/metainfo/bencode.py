"""Bencode decoder hardened against hostile input, and a canonical encoder.

Decoding
--------
:func:`decode` returns the value of a document that must be *exactly one*
well-formed bencoded value. :func:`decode_document` does the same and also
returns what the metainfo layer needs: the byte span of every value of a
top-level dictionary (the info-hash is computed over the raw ``info`` bytes,
never over a re-encoding) and the list of non-canonical findings.

Always fatal (:class:`BencodeError`, with the byte offset):

* empty input, input over ``max_size`` bytes;
* an unknown type byte, an unterminated string / integer / list / dictionary;
* integers: empty (``ie``, ``i-e``), a leading zero (``i03e``), negative
  zero (``i-0e``), a non-digit, a value outside the signed 64-bit range;
* string lengths: a non-digit, a leading zero (``03:abc``), no ``:``, a
  length running past the end of the input (checked before anything is
  sliced, so a huge length prefix allocates nothing);
* a dictionary key that is not a byte string, a key without a value;
* nesting deeper than ``max_depth`` containers, more than ``max_tokens``
  tokens;
* anything after the value (:func:`decode_document` can be told to allow
  trailing ASCII whitespace, which it then reports as a finding).

libtorrent 2.1.1 is more lenient than this about leading zeros and trailing
bytes (its ``bdecode`` only flags leading zeros as a "soft error" and stops
reading after the first value); we reject them because they make two
encodings of one value possible.

Never fatal here, reported as :class:`Irregularity` findings instead:

* dictionary keys out of sorted (raw byte) order;
* duplicate dictionary keys. The *first* occurrence wins, later ones are
  parsed (so their syntax is still checked) and then dropped. This is what
  libtorrent does: ``bdecode_node::dict_find`` returns the first match.

Whether such a finding is fatal is decided by the caller (see
``anirena.metainfo.torrent``: libtorrent rejects them anywhere inside the
``info`` dictionary of a torrent that declares ``meta version``).

Limits
------
The defaults follow libtorrent 2.1.1's ``load_torrent_limits`` (the limits
``lt.torrent_info`` applies to a buffer): ``max_decode_depth = 100`` and
``max_decode_tokens = 3000000``. libtorrent counts a token for every value
*and* for every ``e`` that closes a list or dictionary, and fails as soon as
100 containers are open before the next token, so at most 99 containers can
nest; our ``max_depth`` counts open containers directly, hence the default of
99 (``DEFAULT_MAX_DEPTH``) accepts exactly what libtorrent accepts.
``max_size`` defaults to 10 MiB, a little above libtorrent's
``max_buffer_size`` of 10,000,000 bytes.

Encoding
--------
:func:`encode` writes canonical bencoding: dictionary keys sorted as raw
bytes, ``str`` encoded as UTF-8, ``bool`` as 0/1. A :class:`Raw` value is
copied verbatim, which lets a caller splice an already-encoded value (such
as the original ``info`` dictionary) into a new document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = [
    "BencodeError",
    "Irregularity",
    "Document",
    "Raw",
    "decode",
    "decode_document",
    "encode",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_TOKENS",
]

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 99
DEFAULT_MAX_TOKENS = 3_000_000

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
# longest length prefix we parse: a 10 MiB input cannot hold a longer string,
# and 19 digits keep the value inside int64 like libtorrent's parse_int.
_MAX_LEN_DIGITS = 19
_WHITESPACE = b" \t\r\n"

# byte values
_D = 0x64  # d
_L = 0x6C  # l
_I = 0x69  # i
_E = 0x65  # e
_COLON = 0x3A
_MINUS = 0x2D
_ZERO = 0x30
_NINE = 0x39


class BencodeError(ValueError):
    """Malformed bencoding. ``offset`` is the byte position of the problem."""

    def __init__(self, message: str, offset: int):
        self.message = message
        self.offset = offset
        super().__init__(f"{message} (at byte offset {offset})")


@dataclass(frozen=True)
class Irregularity:
    """A non-canonical but decodable construct.

    ``kind`` is ``"unsorted-key"``, ``"duplicate-key"`` or
    ``"trailing-whitespace"``. ``path`` is the location of the dictionary
    holding the key (dictionary keys as bytes, list indexes as ints) followed
    by the offending key; ``offset`` is where the key starts.
    """

    kind: str
    path: tuple[bytes | int, ...]
    offset: int

    def describe(self) -> str:
        where = format_path(self.path)
        if self.kind == "unsorted-key":
            return f"dictionary key out of sorted order at {where} (byte offset {self.offset})"
        if self.kind == "duplicate-key":
            return (
                f"duplicate dictionary key at {where} (byte offset {self.offset}); "
                "the first occurrence is used"
            )
        if self.kind == "trailing-whitespace":
            return f"whitespace after the end of the bencoded data (byte offset {self.offset})"
        return f"{self.kind} at {where} (byte offset {self.offset})"


def format_path(path: tuple[bytes | int, ...]) -> str:
    """Render a key path like ``info/files[3]/path``."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            text = part.decode("utf-8", "backslashreplace")
            out.append(("/" if out else "") + text)
    return "".join(out) or "<top level>"


@dataclass(frozen=True)
class Document:
    """Result of :func:`decode_document`."""

    value: Any
    #: (start, end) byte offsets of each value of a top-level dictionary,
    #: first occurrence of a key only; empty when the top level is no dict.
    spans: Mapping[bytes, tuple[int, int]] = field(default_factory=dict)
    irregularities: tuple[Irregularity, ...] = ()

    @property
    def info_span(self) -> tuple[int, int] | None:
        return self.spans.get(b"info")


class Raw:
    """Pre-encoded bencoding that :func:`encode` copies verbatim."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = bytes(data)

    def __repr__(self) -> str:
        return f"Raw({len(self.data)} bytes)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Raw) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)


def decode(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Any:
    """Decode exactly one bencoded value (see the module docstring for the rules)."""
    return _decode(data, max_size, max_depth, max_tokens, False)[0]


def decode_document(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    allow_trailing_whitespace: bool = False,
) -> Document:
    """Decode like :func:`decode` and also return top-level spans and findings."""
    value, spans, irregular = _decode(
        data, max_size, max_depth, max_tokens, allow_trailing_whitespace
    )
    return Document(value=value, spans=spans, irregularities=tuple(irregular))


def _describe_byte(b: int) -> str:
    if 0x20 < b < 0x7F:
        return f"'{chr(b)}'"
    return f"byte 0x{b:02x}"


def _string_error(data: bytes, pos: int, n: int) -> BencodeError:
    """Explain why the string header at ``pos`` is invalid (slow path)."""
    i = pos
    while i < n and _ZERO <= data[i] <= _NINE:
        i += 1
    digits = i - pos
    if i >= n:
        return BencodeError("unterminated string length: input ends before ':'", pos)
    if digits > _MAX_LEN_DIGITS:
        return BencodeError(f"string length prefix has {digits} digits, too long", pos)
    if data[i] != _COLON:
        return BencodeError(
            f"invalid character {_describe_byte(data[i])} in string length, expected a digit or ':'",
            i,
        )
    return BencodeError("invalid string length", pos)  # pragma: no cover - defensive


def _int_error(data: bytes, pos: int, n: int) -> BencodeError:
    """Explain why the integer starting at ``pos`` (the 'i') is invalid (slow path)."""
    i = pos + 1
    if i < n and data[i] == _MINUS:
        i += 1
    start = i
    while i < n and _ZERO <= data[i] <= _NINE:
        i += 1
    if i >= n:
        return BencodeError("unterminated integer: input ends before 'e'", pos)
    if data[i] != _E:
        return BencodeError(
            f"invalid character {_describe_byte(data[i])} in integer, expected a digit or 'e'", i
        )
    if i == start:
        return BencodeError("empty integer", pos)
    return BencodeError("integer has too many digits", pos)


def _decode(data, max_size, max_depth, max_tokens, allow_trailing_ws):
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise TypeError(f"bencoded data must be bytes, not {type(data).__name__}")
    n = len(data)
    if n > max_size:
        raise BencodeError(f"input is {n} bytes, over the limit of {max_size} bytes", 0)
    if n == 0:
        raise BencodeError("empty input", 0)

    irregular: list[Irregularity] = []
    spans: dict[bytes, tuple[int, int]] = {}
    c = data[0]
    if c != _L and c != _D:
        value, pos = _scalar(data, 0, n)
        if pos != n:
            _trailing(data, pos, n, allow_trailing_ws, irregular)
        return value, spans, irregular
    if max_depth < 1:
        raise BencodeError(f"nesting deeper than {max_depth} lists/dictionaries", 0)

    find = data.find
    # Open containers: (container, is_dict, pending_key, last_key, start).
    # The innermost one lives in local variables; outer ones on ``stack``.
    stack: list[tuple] = []
    is_dict = c == _D
    container: Any = {} if is_dict else []
    cstart = 0
    pending: Any = None  # the key whose value is being parsed (dicts)
    last: Any = None  # the previous key of the current dict
    tokens = 1
    pos = 1
    value: Any = None

    while True:
        # ---- parse items of the current container until it closes or a
        # ---- nested container opens
        if is_dict:
            while True:
                if pos >= n:
                    raise BencodeError(
                        f"unterminated dictionary starting at byte offset {cstart}: input ends", n
                    )
                c = data[pos]
                tokens += 1
                if c == _E:
                    break
                if not (_ZERO <= c <= _NINE):
                    raise _key_error(c, pos)
                # key
                colon = find(b":", pos, pos + _MAX_LEN_DIGITS + 1)
                if colon < 0:
                    raise _string_error(data, pos, n)
                head = data[pos:colon]
                if not head.isdigit():
                    raise _string_error(data, pos, n)
                if c == _ZERO and colon != pos + 1:
                    raise BencodeError("leading zero in string length", pos)
                end = colon + 1 + int(head)
                if end > n:
                    raise BencodeError(
                        f"string of length {int(head)} runs past the end of the input "
                        f"({n - colon - 1} bytes left)",
                        pos,
                    )
                key = data[colon + 1 : end]
                if last is not None and key <= last:
                    if key in container:
                        irregular.append(
                            Irregularity("duplicate-key", _path(stack, container, key), pos)
                        )
                    else:
                        irregular.append(
                            Irregularity("unsorted-key", _path(stack, container, key), pos)
                        )
                elif key in container:
                    irregular.append(Irregularity("duplicate-key", _path(stack, container, key), pos))
                last = key
                pos = end
                # value
                if pos >= n:
                    raise BencodeError(f"dictionary key {key[:40]!r} has no value: input ends", n)
                tokens += 1
                if tokens > max_tokens:
                    raise BencodeError(f"more than {max_tokens} bencode tokens", pos)
                c = data[pos]
                if _ZERO <= c <= _NINE:
                    colon = find(b":", pos, pos + _MAX_LEN_DIGITS + 1)
                    if colon < 0:
                        raise _string_error(data, pos, n)
                    head = data[pos:colon]
                    if not head.isdigit():
                        raise _string_error(data, pos, n)
                    if c == _ZERO and colon != pos + 1:
                        raise BencodeError("leading zero in string length", pos)
                    end = colon + 1 + int(head)
                    if end > n:
                        raise BencodeError(
                            f"string of length {int(head)} runs past the end of the input "
                            f"({n - colon - 1} bytes left)",
                            pos,
                        )
                    if key not in container:
                        container[key] = data[colon + 1 : end]
                        if not stack:
                            spans[key] = (pos, end)
                    pos = end
                elif c == _I:
                    end = find(b"e", pos + 1, pos + 22)
                    body = data[pos + 1 : end]
                    if end > 0 and body.isdigit() and (body[0] != _ZERO or end == pos + 2) and end - pos < 20:
                        value = int(body)
                        end += 1
                    else:
                        value, end = _int(data, pos, n)
                    if key not in container:
                        container[key] = value
                        if not stack:
                            spans[key] = (pos, end)
                    pos = end
                elif c == _L or c == _D:
                    pending = key
                    break
                elif c == _E:
                    raise BencodeError(f"dictionary key {key[:40]!r} has no value", pos)
                else:
                    raise BencodeError(
                        f"invalid {_describe_byte(c)} where a value was expected", pos
                    )
        else:
            while True:
                if pos >= n:
                    raise BencodeError(
                        f"unterminated list starting at byte offset {cstart}: input ends", n
                    )
                c = data[pos]
                tokens += 1
                if tokens > max_tokens:
                    raise BencodeError(f"more than {max_tokens} bencode tokens", pos)
                if _ZERO <= c <= _NINE:
                    colon = find(b":", pos, pos + _MAX_LEN_DIGITS + 1)
                    if colon < 0:
                        raise _string_error(data, pos, n)
                    head = data[pos:colon]
                    if not head.isdigit():
                        raise _string_error(data, pos, n)
                    if c == _ZERO and colon != pos + 1:
                        raise BencodeError("leading zero in string length", pos)
                    end = colon + 1 + int(head)
                    if end > n:
                        raise BencodeError(
                            f"string of length {int(head)} runs past the end of the input "
                            f"({n - colon - 1} bytes left)",
                            pos,
                        )
                    container.append(data[colon + 1 : end])
                    pos = end
                elif c == _I:
                    end = find(b"e", pos + 1, pos + 22)
                    body = data[pos + 1 : end]
                    if end > 0 and body.isdigit() and (body[0] != _ZERO or end == pos + 2) and end - pos < 20:
                        container.append(int(body))
                        pos = end + 1
                    else:
                        value, pos = _int(data, pos, n)
                        container.append(value)
                elif c == _E or c == _L or c == _D:
                    break
                else:
                    raise BencodeError(
                        f"invalid {_describe_byte(c)} where a value was expected", pos
                    )
        if tokens > max_tokens:
            raise BencodeError(f"more than {max_tokens} bencode tokens", pos)

        if c == _E:
            # close the current container and attach it to its parent
            pos += 1
            if not stack:
                value = container
                break
            value = container
            vstart = cstart
            container, is_dict, pending, last, cstart = stack.pop()
            if is_dict:
                if pending not in container:
                    container[pending] = value
                    if not stack:
                        spans[pending] = (vstart, pos)
                pending = None
            else:
                container.append(value)
            continue

        # open a nested container (c is 'l' or 'd')
        if len(stack) + 1 >= max_depth:
            raise BencodeError(f"nesting deeper than {max_depth} lists/dictionaries", pos)
        stack.append((container, is_dict, pending, last, cstart))
        is_dict = c == _D
        container = {} if is_dict else []
        cstart = pos
        pending = None
        last = None
        pos += 1

    if pos != n:
        _trailing(data, pos, n, allow_trailing_ws, irregular)
    if data[0] != _D:
        spans = {}
    return value, spans, irregular


def _trailing(data: bytes, pos: int, n: int, allow_ws: bool, irregular: list) -> None:
    if allow_ws and not data[pos:].strip(_WHITESPACE):
        irregular.append(Irregularity("trailing-whitespace", (), pos))
        return
    raise BencodeError(f"{n - pos} byte(s) of trailing data after the end of the bencoded value", pos)


def _key_error(c: int, pos: int) -> BencodeError:
    if c == _I:
        return BencodeError("dictionary key must be a byte string, found an integer", pos)
    if c == _L:
        return BencodeError("dictionary key must be a byte string, found a list", pos)
    if c == _D:
        return BencodeError("dictionary key must be a byte string, found a dictionary", pos)
    return BencodeError(f"invalid {_describe_byte(c)} where a dictionary key was expected", pos)


def _int(data: bytes, pos: int, n: int) -> tuple[int, int]:
    """Parse the integer whose 'i' is at ``pos``; return (value, end)."""
    e = data.find(b"e", pos + 1, pos + 22)
    if e < 0:
        raise _int_error(data, pos, n)
    body = data[pos + 1 : e]
    if body.isdigit():
        if body[0] == _ZERO and e != pos + 2:
            raise BencodeError("leading zero in integer", pos)
    elif body[:1] == b"-" and body[1:].isdigit():
        if body[1] == _ZERO:
            if e == pos + 3:
                raise BencodeError("negative zero is not a valid integer", pos)
            raise BencodeError("leading zero in integer", pos)
    else:
        raise _int_error(data, pos, n)
    value = int(body)
    if value > _INT64_MAX or value < _INT64_MIN:
        raise BencodeError("integer outside the signed 64-bit range", pos)
    return value, e + 1


def _scalar(data: bytes, pos: int, n: int) -> tuple[Any, int]:
    """Parse a top-level string or integer."""
    c = data[pos]
    if c == _I:
        return _int(data, pos, n)
    if _ZERO <= c <= _NINE:
        colon = data.find(b":", pos, pos + _MAX_LEN_DIGITS + 1)
        if colon < 0:
            raise _string_error(data, pos, n)
        head = data[pos:colon]
        if not head.isdigit():
            raise _string_error(data, pos, n)
        if c == _ZERO and colon != pos + 1:
            raise BencodeError("leading zero in string length", pos)
        end = colon + 1 + int(head)
        if end > n:
            raise BencodeError(
                f"string of length {int(head)} runs past the end of the input "
                f"({n - colon - 1} bytes left)",
                pos,
            )
        return data[colon + 1 : end], end
    if c == _E:
        raise BencodeError("unexpected 'e' outside a list or dictionary", pos)
    raise BencodeError(f"invalid {_describe_byte(c)} where a value was expected", pos)


def _path(stack: list[tuple], container: Any, key: bytes) -> tuple[bytes | int, ...]:
    """Key path of ``key`` in the innermost container (slow path, findings only)."""
    out: list[bytes | int] = []
    for frame in stack:
        if frame[1]:
            out.append(frame[2])
        else:
            out.append(len(frame[0]))
    out.append(key)
    return tuple(out)


def encode(value: Any) -> bytes:
    """Encode ``value`` canonically (sorted keys). Raises TypeError/ValueError.

    Iterative, so deep structures cannot overflow the interpreter stack; a
    container that contains itself raises ValueError.
    """
    out: list[bytes] = []
    append = out.append
    pending: list[Any] = [value]
    active: set[int] = set()  # ids of the containers being written
    while pending:
        item = pending.pop()
        if type(item) is _Close:
            append(b"e")
            active.discard(item.ident)
            continue
        if isinstance(item, bytes):
            append(b"%d:" % len(item))
            append(item)
        elif isinstance(item, str):
            raw = item.encode("utf-8")
            append(b"%d:" % len(raw))
            append(raw)
        elif isinstance(item, bool):
            append(b"i1e" if item else b"i0e")
        elif isinstance(item, int):
            append(b"i%de" % item)
        elif isinstance(item, (bytearray, memoryview)):
            raw = bytes(item)
            append(b"%d:" % len(raw))
            append(raw)
        elif isinstance(item, Raw):
            append(item.data)
        elif isinstance(item, (list, tuple, dict, Mapping)):
            ident = id(item)
            if ident in active:
                raise ValueError("cannot bencode a container that contains itself")
            active.add(ident)
            pending.append(_Close(ident))
            if isinstance(item, (list, tuple)):
                append(b"l")
                pending.extend(reversed(item))
                continue
            append(b"d")
            items = []
            for k, v in item.items():
                if isinstance(k, str):
                    k = k.encode("utf-8")
                elif isinstance(k, (bytearray, memoryview)):
                    k = bytes(k)
                elif not isinstance(k, bytes):
                    raise TypeError(
                        f"dictionary keys must be bytes or str, not {type(k).__name__}"
                    )
                items.append((k, v))
            items.sort(key=lambda kv: kv[0])
            for i in range(1, len(items)):
                if items[i][0] == items[i - 1][0]:
                    raise ValueError(f"duplicate dictionary key {items[i][0]!r}")
            for k, v in reversed(items):
                pending.append(v)
                pending.append(k)
        else:
            raise TypeError(f"cannot bencode a value of type {type(item).__name__}")
    return b"".join(out)


class _Close:
    """Marks the end of a container on the encoder's work stack."""

    __slots__ = ("ident",)

    def __init__(self, ident: int):
        self.ident = ident
