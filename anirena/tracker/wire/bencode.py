"""Bencoding (BEP 3) of tracker responses, and a strict decoder for tests and tools."""

from __future__ import annotations

from typing import Any

Bencodable = int | bytes | str | list[Any] | tuple[Any, ...] | dict[Any, Any]


class BencodeError(ValueError):
    """Invalid bencoded data."""


def bencode(value: Bencodable) -> bytes:
    """Encode ints, bytes, str (as UTF-8), lists and dicts; dict keys are sorted as raw bytes."""
    parts: list[bytes] = []
    _encode_into(value, parts)
    return b"".join(parts)


def _encode_into(value: Bencodable, parts: list[bytes]) -> None:
    if isinstance(value, bool):
        raise TypeError("bencode has no boolean type; use 0 or 1")
    if isinstance(value, int):
        parts.append(b"i%de" % value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        parts.append(b"%d:" % len(raw))
        parts.append(raw)
    elif isinstance(value, str):
        _encode_into(value.encode(), parts)
    elif isinstance(value, (list, tuple)):
        parts.append(b"l")
        for item in value:
            _encode_into(item, parts)
        parts.append(b"e")
    elif isinstance(value, dict):
        items = [(key.encode() if isinstance(key, str) else bytes(key), item) for key, item in value.items()]
        items.sort(key=lambda pair: pair[0])
        parts.append(b"d")
        for key, item in items:
            _encode_into(key, parts)
            _encode_into(item, parts)
        parts.append(b"e")
    else:
        raise TypeError(f"cannot bencode value of type {type(value).__name__}")


def bdecode(data: bytes) -> Any:
    """Decode one bencoded value that spans all of `data`; strings come back as bytes."""
    value, end = _decode_at(data, 0)
    if end != len(data):
        raise BencodeError(f"trailing data at offset {end}")
    return value


def _decode_at(data: bytes, pos: int) -> tuple[Any, int]:
    if pos >= len(data):
        raise BencodeError("unexpected end of data")
    lead = data[pos : pos + 1]
    if lead == b"i":
        end = data.find(b"e", pos)
        if end < 0:
            raise BencodeError(f"unterminated integer at offset {pos}")
        digits = data[pos + 1 : end]
        if not _is_canonical_int(digits):
            raise BencodeError(f"invalid integer {digits!r} at offset {pos}")
        return int(digits), end + 1
    if lead == b"l":
        items = []
        pos += 1
        while data[pos : pos + 1] != b"e":
            item, pos = _decode_at(data, pos)
            items.append(item)
        return items, pos + 1
    if lead == b"d":
        result = {}
        previous_key = None
        pos += 1
        while data[pos : pos + 1] != b"e":
            key, pos = _decode_at(data, pos)
            if not isinstance(key, bytes):
                raise BencodeError(f"dictionary key is not a string at offset {pos}")
            if previous_key is not None and key <= previous_key:
                raise BencodeError(f"dictionary keys not sorted at key {key!r}")
            result[key], pos = _decode_at(data, pos)
            previous_key = key
        return result, pos + 1
    if lead.isdigit():
        colon = data.find(b":", pos)
        if colon < 0:
            raise BencodeError(f"unterminated string length at offset {pos}")
        length = int(data[pos:colon])
        end = colon + 1 + length
        if end > len(data):
            raise BencodeError(f"string at offset {pos} runs past the end of data")
        return data[colon + 1 : end], end
    raise BencodeError(f"unexpected byte {lead!r} at offset {pos}")


def _is_canonical_int(digits: bytes) -> bool:
    body = digits[1:] if digits.startswith(b"-") else digits
    if not body.isdigit():
        return False
    if body.startswith(b"0") and len(body) > 1:
        return False
    return digits != b"-0"
