"""Measure the home page, searches and the RSS feed against a database filled by search_fill.py.

Two measurements per address:

* in-process: after a warm-up, Django's test client calls the view (no HTTP)
  `--requests` times. The p50 and p95 of those times are the cost of the view.
* over HTTP: `anirena serve` (uvicorn) runs on 127.0.0.1 and wrk loads it
  (``wrk -t1 -c8 -d15s`` by default, the settings of the reference figures).
  Its p50, p95 and requests per second include queueing behind the worker. wrk
  sends no cookie, like a visitor who is not signed in. The server runs three
  times: with the defaults (whole pages kept by the page cache), with only the
  listing table cache (as a signed-in reader, whose cookie bypasses the page
  cache, is served), and with neither.

The database comes from the environment, as for `anirena serve`:

    ANIRENA_DATA_DIR=var/bench-100k .venv/bin/python bench/search_load.py --label "SQLite, 100k" \\
        --output bench/results/sqlite-100k.json
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")
HERE = Path(__file__).resolve().parent
# The server runs without the tracker: with no peers announcing, its periodic copy of
# live counts would set every seeder count to 0 (and rewrite the whole table while the
# load runs). Without the tracker the dead-torrent filter is off, so the in-process
# timing, which keeps the tracker setting and so the filter, measures it instead.
SERVER_ENV = dict(os.environ, ANIRENA_BENCHMARK_VIEWS="1", ANIRENA_TRACKER_ENABLED="0")
# This process measures the views with the table cache off.
os.environ.update(ANIRENA_BENCHMARK_VIEWS="1", ANIRENA_LISTING_CACHE_SECONDS="0")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="Name of this run in the report, e.g. 'SQLite, 100k'.")
    parser.add_argument("--output", type=Path, help="Write the figures as JSON to this file.")
    parser.add_argument("--requests", type=int, default=100, help="Timed in-process requests per address.")
    parser.add_argument("--duration", type=int, default=15, help="Seconds of wrk load per address.")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8).")
    parser.add_argument("--workers", type=int, default=1, help="Web workers of `anirena serve` (more need Redis).")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one).")
    parser.add_argument("--skip-http", action="store_true", help="Only run the in-process timing.")
    return parser.parse_args()


# --- Choosing the addresses ---------------------------------------------------------------

def _rare_word() -> str:
    """Return a title word found in a handful of torrents: the first of a sample with 1 to 20 matches.

    At a million torrents every series word is common, so this is often a release checksum.
    """
    from anirena.search.models import SearchDocument
    from anirena.search.params import SearchParams
    from anirena.search.service import search_torrents

    for document in SearchDocument.objects.order_by("id")[1000:4000:10]:
        for token in document.title.split():
            if len(token) < 5:
                continue
            result = search_torrents(SearchParams(q=token, hide_adult=False, show_dead=True, per_page=25))
            if result.total_is_exact and 1 <= result.total <= 20:
                return token
    raise SystemExit("no rare word found in the sample")


def _phrase() -> str:
    """Return two adjacent title words of the busiest uploader's newest torrent, as a quoted phrase."""
    from anirena.search.models import SearchDocument

    document = SearchDocument.objects.filter(torrent__uploader=_top_uploader()).order_by("-id").first()
    words = [token for token in document.title.split() if token.isalpha()]
    return f'"{words[1]} {words[2]}"' if len(words) > 2 else f'"{words[0]}"'


def _top_uploader():
    from django.db.models import Count

    from anirena.accounts.models import User

    return User.objects.annotate(uploads=Count("torrents")).order_by("-uploads").first()


def addresses() -> dict[str, str]:
    home = "/"
    return {
        "framework floor": "/bench/floor",
        "home": home,
        "home, page 200": home + "?" + urlencode({"page": 200}),
        "search, common word": home + "?" + urlencode({"q": "1080p"}),
        "search, rare word": home + "?" + urlencode({"q": _rare_word()}),
        "search, phrase": home + "?" + urlencode({"q": _phrase()}),
        "search, user:": home + "?" + urlencode({"q": f"user:{_top_uploader().username}"}),
        "category + language": home + "?" + urlencode({"category": "anime", "languages": "es"}),
        "RSS": "/rss",
    }


# --- In-process timing ----------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_in_process(urls: dict[str, str], count: int) -> dict[str, dict]:
    from django.test import Client

    from anirena.search import index

    client = Client()
    results = {}
    for name, url in urls.items():
        for _ in range(10):
            client.get(url)
        timings, cpu_timings = [], []
        for _ in range(count):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        # CPU time leaves out the waits for a core, which the shared machine adds to the wall time.
        results[name] = {"p50_ms": percentile(timings, 0.5), "p95_ms": percentile(timings, 0.95),
                         "cpu_p50_ms": percentile(cpu_timings, 0.5), "cpu_p95_ms": percentile(cpu_timings, 0.95)}
        if name == "RSS":
            uncached, cpu_uncached = [], []
            for _ in range(max(20, count // 5)):
                index.bump_generation()  # forget the rendered feed
                started, cpu_started = time.perf_counter(), time.process_time()
                client.get(url)
                uncached.append((time.perf_counter() - started) * 1000)
                cpu_uncached.append((time.process_time() - cpu_started) * 1000)
            results["RSS, not cached"] = {
                "p50_ms": percentile(uncached, 0.5), "p95_ms": percentile(uncached, 0.95),
                "cpu_p50_ms": percentile(cpu_uncached, 0.5), "cpu_p95_ms": percentile(cpu_uncached, 0.95)}
    return results


# --- HTTP with wrk ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, page_cache: bool, listing_cache: bool, log_path: Path) -> subprocess.Popen:
    # The announce URLs keep their defaults: they are part of the stored .torrent lengths' key.
    env = dict(SERVER_ENV)
    if not page_cache:
        env["ANIRENA_PAGE_CACHE_SECONDS"] = "0"
    if not listing_cache:
        env["ANIRENA_LISTING_CACHE_SECONDS"] = "0"
    command = [str(Path(sys.executable).with_name("anirena")), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-migrate"]
    # The log goes to a file: an unread pipe fills up and stops the server.
    with open(log_path, "ab") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            raise SystemExit(f"anirena serve exited; see {log_path}")
    stop_server(server)
    raise SystemExit("anirena serve did not respond within 60 s; run it by hand to see why")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_wrk(url: str, duration: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", str(HERE / "wrk_report.lua"), url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return {
        "requests_per_second": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["socket_errors"] + figures["non_2xx"],
    }


def load_over_http(urls: dict[str, str], args, page_cache: bool, listing_cache: bool) -> dict[str, dict]:
    port = args.port or free_port()
    log_path = (args.output or Path("search-load.json")).with_suffix(".server.log")
    server = start_server(port, args.workers, page_cache, listing_cache, log_path)
    try:
        return {name: run_wrk(f"http://127.0.0.1:{port}{url}", args.duration, args.connections)
                for name, url in urls.items()}
    finally:
        stop_server(server)


# --- Report -----------------------------------------------------------------------------------

def database_summary() -> dict:
    from django.db import connection

    from anirena.torrents.models import Torrent

    summary = {"vendor": connection.vendor, "torrents": Torrent.objects.count()}
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        summary["size_mb"] = round(path.stat().st_size / 2**20)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            summary["size_mb"] = round(cursor.fetchone()[0] / 2**20)
    return summary


def _http_cells(figures: dict | None) -> str:
    if not figures:
        return "– | –"
    return f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} | {figures['requests_per_second']:.0f}"


HTTP_MODES = (
    # (record key, column title, page cache, table cache)
    ("http_page_cache_on", "HTTP, page cache on", True, True),
    ("http_table_cache_on", "HTTP, table cache only", False, True),
    ("http_table_cache_off", "HTTP, no cache", False, False),
)


def markdown(label: str, urls: dict, local: dict, record: dict) -> str:
    titles = "".join(f" {title}: p50 / p95 (ms) | req/s |" for _key, title, _page, _table in HTTP_MODES)
    lines = [
        f"### {label}", "",
        "| page | in-process p50 / p95 (ms) | CPU p50 / p95 (ms) |" + titles,
        "|---|---|---|" + "---|---|" * len(HTTP_MODES),
    ]
    for name, figures in local.items():
        cpu = f"{figures['cpu_p50_ms']:.1f} / {figures['cpu_p95_ms']:.1f}" if "cpu_p50_ms" in figures else "–"
        cells = "".join(f" {_http_cells(record.get(key, {}).get(name))} |" for key, _title, _page, _table in HTTP_MODES)
        lines.append(f"| {name} | {figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} | {cpu} |" + cells)
    lines += ["", "Addresses:", ""] + [f"- {name}: `{url}`" for name, url in urls.items()]
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    urls = addresses()
    summary = database_summary()
    print(f"{args.label}: {summary}", file=sys.stderr)
    record = {"label": args.label, "database": summary, "addresses": urls,
              "wrk": {"threads": 1, "connections": args.connections, "duration_s": args.duration},
              "workers": args.workers, "units": "milliseconds; requests per second"}
    record["in_process"] = time_in_process(urls, args.requests)
    record["load_average_after_in_process"] = os.getloadavg()
    save(args.output, record)
    if not args.skip_http:
        for key, _title, page_cache, listing_cache in HTTP_MODES:
            record[key] = load_over_http(urls, args, page_cache=page_cache, listing_cache=listing_cache)
            save(args.output, record)
        record["load_average_after_http"] = os.getloadavg()
        save(args.output, record)
    print(markdown(args.label, urls, record["in_process"], record))


def save(path: Path | None, record: dict) -> None:
    """Write the figures so far, so a failure later in the run keeps them."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
