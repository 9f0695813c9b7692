"""TargetEncoder: raw bytes in request targets are percent-encoded, everything else passes."""

import pytest

from anirena.tracker.wire.request_line import MAX_BUFFERED, TargetEncoder, encode_target

ANNOUNCE = b"GET /announce?info_hash=\x80\xff\x00 a#&port=1 HTTP/1.1\r\nHost: x\r\n\r\n"
ANNOUNCE_ENCODED = b"GET /announce?info_hash=%80%FF%00%20a%23&port=1 HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize(
    "line, expected",
    [
        (b"GET /a?b=c HTTP/1.1", b"GET /a?b=c HTTP/1.1"),
        (b"GET /a?b=\xe2\x82\xac HTTP/1.1", b"GET /a?b=%E2%82%AC HTTP/1.1"),
        (b"GET /a?b=\x7f\x1f\t HTTP/1.0", b"GET /a?b=%7F%1F%09 HTTP/1.0"),
        (b"GET /a?b=x y\rz HTTP/1.1", b"GET /a?b=x%20y%0Dz HTTP/1.1"),
        (b"GET /a?b=%41%25 HTTP/1.1", b"GET /a?b=%41%25 HTTP/1.1"),
        (b"GET /a#b HTTP/1.1", b"GET /a%23b HTTP/1.1"),
        (b"GARBAGE", b"GARBAGE"),
        (b"GET /\xff", b"GET /\xff"),
    ],
)
def test_encode_target(line, expected):
    assert encode_target(line) == expected


def feed_in_pieces(data: bytes, size: int) -> bytes:
    encoder = TargetEncoder()
    return b"".join(encoder.feed(data[start : start + size]) for start in range(0, len(data), size))


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_keep_alive_requests_in_any_pieces(size):
    stream = ANNOUNCE + b"\r\n" + ANNOUNCE + b"GET /b HTTP/1.1\nHost: x\n\n" + ANNOUNCE
    expected = ANNOUNCE_ENCODED + b"\r\n" + ANNOUNCE_ENCODED + b"GET /b HTTP/1.1\nHost: x\n\n" + ANNOUNCE_ENCODED
    assert feed_in_pieces(stream, size) == expected


@pytest.mark.parametrize(
    "header",
    [b"Content-Length: 5", b"content-length:10", b"Transfer-Encoding: chunked", b"Upgrade: websocket"],
)
def test_encoder_passes_everything_after_a_body(header):
    request = b"POST /upload?x=\xff HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n\r\nhello\r\n\r\n"
    body_like_a_request_line = b"GET /\xff HTTP/1.1\r\n\r\n"
    encoded = feed_in_pieces(request + body_like_a_request_line, 4)
    assert encoded.startswith(b"POST /upload?x=%FF HTTP/1.1\r\n")
    assert encoded.endswith(body_like_a_request_line)


def test_zero_content_length_keeps_rewriting():
    stream = b"GET /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n" + ANNOUNCE
    assert feed_in_pieces(stream, 5).endswith(ANNOUNCE_ENCODED)


def test_request_without_headers():
    assert feed_in_pieces(b"GET /\xff HTTP/1.0\r\n\r\n" + ANNOUNCE, 3) == b"GET /%FF HTTP/1.0\r\n\r\n" + ANNOUNCE_ENCODED


def test_partial_request_line_is_held_back():
    encoder = TargetEncoder()
    assert encoder.feed(b"GET /\xff") == b""
    assert encoder.feed(b" HTTP/1.1\r\n") == b"GET /%FF HTTP/1.1\r\n"
    assert encoder.feed(b"Host: x\r\n") == b"Host: x\r\n"


def test_overlong_lines_pass_unchanged():
    encoder = TargetEncoder()
    line = b"GET /" + b"\xff" * (MAX_BUFFERED + 1)
    assert encoder.feed(line) == line
    assert encoder.feed(b" HTTP/1.1\r\n\r\n" + ANNOUNCE) == b" HTTP/1.1\r\n\r\n" + ANNOUNCE
