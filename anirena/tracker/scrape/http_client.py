"""Minimal HTTP/1.1 GET client for BEP 48 scrapes, on asyncio streams.

It connects to the address that the scraper already resolved and checked,
so it never follows redirects, never uses a proxy from the environment and
never looks the host up again. Each request uses its own connection
(`Connection: close`). Bodies sent with Content-Length, chunked, or up to
the end of the connection are read, up to `max_bytes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

MAX_HEAD_BYTES = 16384


class HttpError(Exception):
    """The server did not send a usable HTTP response. The message gives the reason."""


async def http_get(
    address: tuple[str, int],
    host_header: str,
    target: str,
    *,
    timeout: float,
    max_bytes: int,
    user_agent: str,
    tls_context: ssl.SSLContext | None = None,
    tls_server_name: str | None = None,
) -> tuple[int, bytes]:
    """Send one GET for `target` (path and query) to `address` and return (status, body).

    With `tls_context`, the connection uses TLS and checks the certificate
    against `tls_server_name`. Raises HttpError, OSError, ssl.SSLError or
    TimeoutError after `timeout` seconds for the whole exchange.
    """
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(
            address[0],
            address[1],
            ssl=tls_context,
            server_hostname=tls_server_name if tls_context is not None else None,
            limit=MAX_HEAD_BYTES,
        )
        try:
            request = (
                f"GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {user_agent}\r\n"
                "Accept-Encoding: identity\r\nConnection: close\r\n\r\n"
            )
            writer.write(request.encode("ascii"))
            await writer.drain()
            return await _read_response(reader, max_bytes)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()


async def _read_response(reader: asyncio.StreamReader, max_bytes: int) -> tuple[int, bytes]:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise HttpError(f"response head larger than {MAX_HEAD_BYTES} bytes") from None
    except asyncio.IncompleteReadError:
        raise HttpError("connection closed before the response head was complete") from None
    status, headers = _parse_head(head)
    if headers.get("transfer-encoding", "").lower().endswith("chunked"):
        return status, await _read_chunked(reader, max_bytes)
    length_text = headers.get("content-length")
    if length_text is not None:
        if not length_text.isdigit():
            raise HttpError(f"invalid Content-Length {length_text!r}")
        length = int(length_text)
        if length > max_bytes:
            raise HttpError(f"response body of {length} bytes is larger than {max_bytes}")
        try:
            return status, await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise HttpError("connection closed before the response body was complete") from None
    body = await reader.read(max_bytes + 1)
    while len(body) <= max_bytes:
        more = await reader.read(max_bytes + 1 - len(body))
        if not more:
            break
        body += more
    if len(body) > max_bytes:
        raise HttpError(f"response body larger than {max_bytes} bytes")
    return status, body


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"invalid status line {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


async def _read_chunked(reader: asyncio.StreamReader, max_bytes: int) -> bytes:
    body = bytearray()
    try:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise HttpError(f"invalid chunk size {size_text[:20]!r}") from None
            if size == 0:
                return bytes(body)
            if len(body) + size > max_bytes:
                raise HttpError(f"response body larger than {max_bytes} bytes")
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    except asyncio.IncompleteReadError:
        raise HttpError("connection closed inside a chunked body") from None
    except asyncio.LimitOverrunError:
        raise HttpError("chunk size line too long") from None
