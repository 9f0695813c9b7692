"""Measure uploads and searches per second through the JSON API of a real `anirena serve`.

Usage (from the repository root):

    .venv/bin/python bench/api_throughput.py [--uploads 600] [--clients 4] [--search-seconds 20]
                                             [--database-url URL --redis-url URL] [--workers N]

It starts `anirena serve` on a free port of 127.0.0.1 with a fresh data folder
(SQLite by default; PostgreSQL and Redis with --database-url and --redis-url, where
the database should be an empty one made for the run, e.g. with
`createdb -h 127.0.0.1 -U postgres anirena_bench`),
creates one uploader with an API key per client, and then:

1. uploads --uploads distinct .torrent files (single-file v1 torrents made in
   Python, 1 to 40 pieces each) through POST /api/v1/torrents, spread over
   --clients threads, each with its own key;
2. runs POST /api/v1/torrents/search for --search-seconds with --clients threads,
   cycling through a listing, a category filter, a text query, a text query
   sorted by size and a user: query.

Rate limits are raised out of the way for the run. The clients run on the same
machine as the server, so the figures include their CPU cost. The script prints
a Markdown table for docs/benchmarks.md.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

WORDS = ["Sword", "Art", "Online", "Cowboy", "Bebop", "Frieren", "Dungeon", "Meshi", "Spy", "Family", "Mushishi",
         "Haikyuu", "Monster", "Pluto", "Vinland", "Saga", "Oshi", "Bocchi", "Rock", "Lain"]
SEARCHES = [
    {},
    {"category": "anime", "per_page": 50},
    {"q": "Frieren 1080p"},
    {"q": "Bebop", "sort": "size", "order": "desc"},
    {"q": "user:bench0"},
]


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_torrent(serial: int, announce: str) -> bytes:
    """Return a distinct single-file v1 torrent. Its piece hashes are random, which the index does not check."""
    from anirena.metainfo import encode

    rng = random.Random(serial)
    pieces = rng.randint(1, 40)
    words = " ".join(rng.sample(WORDS, 3))
    name = f"[Bench] {words} - {serial:05d} (1080p).mkv"
    info = {b"name": name.encode(), b"piece length": 262144, b"length": pieces * 262144 - rng.randint(0, 1000),
            b"pieces": rng.randbytes(20 * pieces)}
    return encode({b"announce": announce.encode(), b"info": info})


class Server:
    """`anirena serve` in a subprocess with its own data folder, stopped by its PID."""

    def __init__(self, args):
        self.data_dir = tempfile.mkdtemp(prefix="anirena-bench-api-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, ANIRENA_DATA_DIR=self.data_dir, ANIRENA_SITE_URL=self.url,
                        ANIRENA_UDP_TRACKER_PORT=str(free_port(socket.SOCK_DGRAM)),
                        ANIRENA_API_UPLOAD_LIMIT="100000000", ANIRENA_API_SEARCH_LIMIT="100000000",
                        ANIRENA_API_READ_LIMIT="100000000", ANIRENA_FAST_PASSWORD_HASHING="1",
                        DJANGO_SETTINGS_MODULE="anirena.settings")
        for name in ("ANIRENA_DATABASE_URL", "ANIRENA_REDIS_URL"):
            self.env.pop(name, None)
        if args.database_url:
            self.env["ANIRENA_DATABASE_URL"] = args.database_url
        self.redis_url = args.redis_url
        self.redis_prefix = f"bench-api-{os.getpid()}"
        if args.redis_url:
            # A prefix of its own, so the run's keys can be removed afterwards without touching others'.
            self.env["ANIRENA_REDIS_URL"] = args.redis_url
            self.env["ANIRENA_REDIS_PREFIX"] = self.redis_prefix
        self.workers = args.workers
        self.process = None

    def manage(self, *command: str) -> str:
        anirena = str(REPO_ROOT / ".venv" / "bin" / "anirena")
        return subprocess.run([anirena, *command], env=self.env, check=True, capture_output=True, text=True).stdout

    def seed(self, clients: int) -> tuple[list[str], str]:
        """Create one uploader and API key per client and return their keys and the site's first announce URL."""
        self.manage("migrate", "--verbosity", "0")
        script = (
            "from django.conf import settings\n"
            "from django.utils import timezone\n"
            "from anirena.accounts.api_keys import create_api_key\n"
            "from anirena.accounts.models import User\n"
            f"for number in range({clients}):\n"
            "    user = User.objects.create_user(f'bench{number}', f'bench{number}@example.org', 'bench password 1',\n"
            "                                    is_active=True, activated_at=timezone.now())\n"
            "    print('KEY', create_api_key(user)[0])\n"
            "print('ANNOUNCE', settings.ANNOUNCE_URLS[0])\n"
        )
        # `shell` prints a line of its own first, so the values are found by their labels.
        lines = [line.split() for line in self.manage("shell", "-c", script).splitlines()]
        keys = [parts[1] for parts in lines if len(parts) == 2 and parts[0] == "KEY"]
        announce = next(parts[1] for parts in lines if len(parts) == 2 and parts[0] == "ANNOUNCE")
        return keys, announce

    def start(self) -> None:
        anirena = str(REPO_ROOT / ".venv" / "bin" / "anirena")
        command = [anirena, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-migrate",
                   "--workers", str(self.workers)]
        self.log = open(Path(self.data_dir) / "serve.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not respond within 60 s; see {self.data_dir}/serve.log")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            for key in client.scan_iter(match=f"*{self.redis_prefix}*", count=1000):
                client.delete(key)
            client.close()


def token_for(url: str, key: str) -> str:
    response = requests.post(f"{url}/api/v1/auth/token", headers={"Authorization": f"ApiKey {key}"}, timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def run_uploads(url: str, tokens: list[str], bodies: list[list[str]]) -> tuple[float, list[float], int]:
    """Upload every body with one thread per token and return (seconds, latencies, failures)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(token: str, encoded: list[str]) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for torrent in encoded:
            started = time.perf_counter()
            response = session.post(f"{url}/api/v1/torrents", json={"torrent": torrent, "category": "anime",
                                                                  "languages": ["ja"]}, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures[0] += 1
                    if failures[0] <= 3:
                        print(f"upload failed: {response.status_code} {response.text[:200]}", file=sys.stderr)

    threads = [threading.Thread(target=client, args=(token, chunk)) for token, chunk in zip(tokens, bodies)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures[0]


def run_searches(url: str, tokens: list[str], seconds: float) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int, token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        position = number
        while time.perf_counter() < deadline:
            body = SEARCHES[position % len(SEARCHES)]
            position += 1
            started = time.perf_counter()
            response = session.post(f"{url}/api/v1/torrents/search", json=body, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures[0] += 1

    threads = [threading.Thread(target=client, args=(number, token)) for number, token in enumerate(tokens)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures[0]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def row(label: str, count: int, seconds: float, latencies: list[float], failures: int) -> str:
    median = statistics.median(latencies) * 1000 if latencies else 0.0
    return (f"| {label} | {count} | {seconds:.1f} | **{count / seconds:.1f}** | {median:.0f} | "
            f"{percentile(latencies, 0.95) * 1000:.0f} | {failures} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=600, help="torrents to upload (default 600)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--search-seconds", type=float, default=20.0, help="length of the search run in seconds")
    parser.add_argument("--database-url", help="PostgreSQL URL for the server (default: SQLite in a temp folder)")
    parser.add_argument("--redis-url", help="Redis URL for the server's cache and rate limits")
    parser.add_argument("--workers", type=int, default=1, help="`anirena serve` worker processes (default 1)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")
    os.environ.setdefault("ANIRENA_DATA_DIR", tempfile.mkdtemp(prefix="anirena-bench-settings-"))

    server = Server(args)
    keys, announce = server.seed(args.clients)
    encoded = [__import__("base64").b64encode(make_torrent(serial, announce)).decode()
               for serial in range(args.uploads)]
    bodies = [encoded[number::args.clients] for number in range(args.clients)]
    server.start()
    try:
        tokens = [token_for(server.url, key) for key in keys]
        single = bodies[0][:max(1, len(bodies[0]) // 4)]
        seconds, latencies, failures = run_uploads(server.url, tokens[:1], [single])
        rows = [row("upload, 1 client", len(single), seconds, latencies, failures)]
        rest = [chunk[len(single):] if number == 0 else chunk for number, chunk in enumerate(bodies)]
        seconds, latencies, failures = run_uploads(server.url, tokens, rest)
        rows.append(row(f"upload, {args.clients} clients", sum(map(len, rest)), seconds, latencies, failures))
        for clients in sorted({1, args.clients}):
            seconds, latencies, failures = run_searches(server.url, tokens[:clients], args.search_seconds)
            rows.append(row(f"search, {clients} client{'s' if clients > 1 else ''}", len(latencies), seconds,
                            latencies, failures))
    finally:
        server.stop()

    backend = "PostgreSQL + Redis" if args.database_url else "SQLite (embedded default)"
    print(f"\nServer: anirena serve --workers {args.workers}, {backend}; {args.uploads} torrents uploaded in the run.\n")
    print("| run | requests | seconds | per second | median ms | p95 ms | failed |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
