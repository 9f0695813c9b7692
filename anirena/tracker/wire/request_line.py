"""Percent-encoding of raw bytes in HTTP request targets, before a strict parser reads them.

BitTorrent clients put binary `info_hash` and `peer_id` values in the announce
URL, and some leave bytes unencoded that RFC 9112 does not allow there (bytes
>= 0x80, control bytes, DEL, space, `#`). llhttp (uvicorn's httptools) and h11 reject such
a request line with 400 before any application code runs. Percent-encoding
those bytes gives the URL the same meaning for any decoder that reads the query
as bytes, as anirena.tracker.wire.http_query does, so `TargetEncoder` rewrites
them on the way in.

The encoder works on the byte stream of one connection. It rewrites request
lines only, and passes headers through untouched. A request that announces a
body (Content-Length other than 0, Transfer-Encoding) or an upgrade switches it
to passing everything through for the rest of the connection: finding the next
request line would mean parsing the body framing, and clients that send raw
bytes only send bodiless GET requests.
"""

from __future__ import annotations

import re

# RFC 9112 allows visible ASCII in a request target, and `#` never reaches a
# server as a fragment, so a raw `#` is data too.
_NEEDS_ENCODING = re.compile(rb"[^\x21-\x22\x24-\x7e]")
_BODY_OR_UPGRADE = re.compile(
    rb"\n(?:content-length[ \t]*:(?![ \t]*0*[ \t]*\r?\n)|transfer-encoding[ \t]*:|upgrade[ \t]*:)",
    re.IGNORECASE,
)

# Maximum size of a request line or header block held back while waiting for its end.
# Longer ones go through unchanged, and the parser rejects them.
MAX_BUFFERED = 64 * 1024

_REQUEST_LINE, _HEADERS, _PASS_THROUGH = range(3)


def encode_target(line: bytes) -> bytes:
    """Return the request line (without its line ending) with its target's invalid bytes encoded.

    The target is what lies between the first and the last space, so a raw
    space or CR inside it is encoded too. A line without two spaces is returned
    unchanged for the parser to reject.
    """
    first = line.find(b" ")
    last = line.rfind(b" ")
    if first < 0 or last <= first:
        return line
    target = line[first + 1 : last]
    if not _NEEDS_ENCODING.search(target):
        return line
    encoded = _NEEDS_ENCODING.sub(lambda match: b"%%%02X" % match.group()[0], target)
    return line[: first + 1] + encoded + line[last:]


class TargetEncoder:
    """Rewrite the request lines of one HTTP/1.x connection's incoming bytes."""

    __slots__ = ("_state", "_pending")

    def __init__(self) -> None:
        self._state = _REQUEST_LINE
        # _REQUEST_LINE: the start of a line not yet ended, held back.
        # _HEADERS: the header block read so far, already passed on.
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """Take the next bytes received; return the bytes to hand to the parser."""
        if self._state == _PASS_THROUGH:
            return data
        output = []
        while data:
            if self._state == _REQUEST_LINE:
                data = self._pending + data
                end = data.find(b"\n")
                if end < 0:
                    if len(data) > MAX_BUFFERED:
                        return self._give_up(output, data)
                    self._pending = data
                    break
                self._pending = b""
                line, ending = data[:end], b"\n"
                if line.endswith(b"\r"):
                    line, ending = line[:-1], b"\r\n"
                if line:
                    output.append(encode_target(line) + ending)
                    self._state = _HEADERS
                    self._pending = ending
                else:
                    output.append(ending)  # an empty line between requests
                data = data[end + 1 :]
            elif self._state == _HEADERS:
                block = self._pending + data
                end = _header_block_end(block)
                if end < 0:
                    if len(block) > MAX_BUFFERED:
                        return self._give_up(output, data)
                    self._pending = block
                    output.append(data)
                    break
                header_bytes = end - len(self._pending)
                output.append(data[:header_bytes])
                data = data[header_bytes:]
                self._pending = b""
                if _BODY_OR_UPGRADE.search(block[:end]):
                    return self._give_up(output, data)
                self._state = _REQUEST_LINE
            else:
                output.append(data)
                break
        return b"".join(output)

    def _give_up(self, output: list[bytes], rest: bytes) -> bytes:
        self._state = _PASS_THROUGH
        self._pending = b""
        output.append(rest)
        return b"".join(output)


def _header_block_end(block: bytes) -> int:
    """Index just past the blank line that ends the header block, or -1.

    `block` starts with the request line's own ending, so a request without
    headers ends at its second line ending.
    """
    ends = [index + length for index, length in ((block.find(b"\r\n\r\n"), 4), (block.find(b"\n\n"), 2)) if index >= 0]
    return min(ends) if ends else -1
