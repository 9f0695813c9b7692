"""The `anirena` command's defaults."""

import pytest

from anirena.cli import serve_site_url


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], "http://127.0.0.1:8000"),
        (["--port", "8765"], "http://127.0.0.1:8765"),
        (["--port=8765", "--host", "localhost"], "http://localhost:8765"),
        (["--host", "0.0.0.0", "--workers", "2"], "http://127.0.0.1:8000"),
        (["--host", "::1", "--port", "9000"], "http://[::1]:9000"),
    ],
)
def test_serve_site_url_follows_host_and_port(args, expected):
    assert serve_site_url(args) == expected
