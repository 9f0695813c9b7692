"""Standalone tracker without the site: `python -m anirena.tracker --torrents FILE`.

Meant for benchmarks and client tests. The torrents file lists one torrent
per line: an optional key followed by one or two hex info hashes (40 hex
digits for v1, 64 for v2), separated by spaces. Without a key, the first hash
is the key. Completed counts are only logged.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from anirena.tracker.config import TrackerConfig
from anirena.tracker.registry import RegistryEntry, StaticRegistry
from anirena.tracker.server import run_standalone

logger = logging.getLogger("anirena.tracker")


class LoggingSink:
    """Sink that logs completed-count increments instead of storing them."""

    def flush(self, increments: dict[str, int]) -> None:
        logger.info("Completed downloads: %d for %d torrents", sum(increments.values()), len(increments))


def read_torrents(path: Path) -> list[RegistryEntry]:
    """Parse a torrents file; raise ValueError naming the first invalid line."""
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields[0]) in (40, 64):
            key, hash_fields = fields[0].lower(), fields
        else:
            key, hash_fields = fields[0], fields[1:]
        if not 1 <= len(hash_fields) <= 2 or any(len(field) not in (40, 64) for field in hash_fields):
            raise ValueError(f"{path}:{number}: expected an optional key and one or two hex info hashes, got {line!r}")
        try:
            hashes = tuple(bytes.fromhex(field) for field in hash_fields)
        except ValueError as error:
            raise ValueError(f"{path}:{number}: invalid hex info hash: {error}") from None
        entries.append(RegistryEntry(key, hashes))
    return entries


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m anirena.tracker", description=__doc__.splitlines()[0])
    parser.add_argument("--torrents", type=Path, required=True, help="file of registered torrents (see above)")
    parser.add_argument("--host", default="127.0.0.1", help="address for HTTP and UDP (default: 127.0.0.1)")
    parser.add_argument("--http-port", type=int, default=6969, help="HTTP port (default: 6969)")
    parser.add_argument("--udp-port", type=int, default=6969, help="UDP port, 0 to turn UDP off (default: 6969)")
    parser.add_argument("--interval", type=int, default=1800, help="announce interval in seconds (default: 1800)")
    parser.add_argument(
        "--http-server",
        choices=["builtin", "uvicorn"],
        default="builtin",
        help="builtin: the tracker's own HTTP/1.1 server (faster); uvicorn: the ASGI app (default: builtin)",
    )
    parser.add_argument("--redis-url", help="use the Redis peer store at this URL instead of memory")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=arguments.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    registry = StaticRegistry(read_torrents(arguments.torrents))
    logger.info("Serving %d registered torrents", len(registry))
    config = TrackerConfig(
        interval=arguments.interval,
        min_interval=min(300, arguments.interval),
        redis_url=arguments.redis_url,
    )
    udp_port = arguments.udp_port or None
    run_standalone(
        config,
        registry,
        LoggingSink(),
        arguments.host,
        arguments.http_port,
        udp_port,
        http_server=arguments.http_server,
        log_level=arguments.log_level,
    )


if __name__ == "__main__":
    main()
