"""Run AniRena's standalone tracker for the benchmarks, with a Redis key prefix of its own.

    python bench/tracker/serve_ours.py --torrents FILE --port PORT [--http-server builtin|uvicorn]
        [--redis-url URL --redis-prefix PREFIX] [--max-seconds S]

HTTP and UDP listen on 127.0.0.1:PORT. The process stops on SIGTERM and
after --max-seconds (default 900), so a benchmark that dies cannot leave it
running. `python -m anirena.tracker` has no option for the Redis prefix,
hence this wrapper.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from anirena.tracker.__main__ import read_torrents
from anirena.tracker.config import TrackerConfig
from anirena.tracker.registry import StaticRegistry
from anirena.tracker.server import run_standalone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torrents", type=Path, required=True, help="torrents file, as for python -m anirena.tracker")
    parser.add_argument("--port", type=int, required=True, help="HTTP and UDP port on 127.0.0.1")
    parser.add_argument("--http-server", choices=["builtin", "uvicorn"], default="builtin")
    parser.add_argument("--redis-url", help="use the Redis peer store at this URL")
    parser.add_argument("--redis-prefix", default="anirena-bench:", help="Redis key prefix")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop after this many seconds")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    timer = threading.Timer(arguments.max_seconds, os.kill, (os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()
    config = TrackerConfig(redis_url=arguments.redis_url, redis_prefix=arguments.redis_prefix, secret=b"benchmark")
    registry = StaticRegistry(read_torrents(arguments.torrents))
    run_standalone(
        config,
        registry,
        None,
        "127.0.0.1",
        arguments.port,
        arguments.port,
        http_server=arguments.http_server,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
