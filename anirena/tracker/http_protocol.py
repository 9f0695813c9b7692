"""uvicorn's httptools protocol, taking announces whose URL carries raw binary bytes.

`anirena serve` and `anirena tracker --http-server uvicorn` pass this class as
uvicorn's `http` protocol. It runs each connection's bytes through
`TargetEncoder` before the parser reads them (see anirena.tracker.wire.request_line).
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from anirena.tracker.wire.request_line import TargetEncoder


class RawTargetHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._target_encoder = TargetEncoder()

    def data_received(self, data: bytes) -> None:
        super().data_received(self._target_encoder.feed(data))
