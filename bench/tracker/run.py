"""Tracker benchmark: AniRena's tracker beside opentracker and the npm bittorrent-tracker, in one session.

    .venv/bin/python bench/tracker/run.py [--seconds 10] [--rounds 2] [--skip-memory] [--out DIR]

Every server listens on 127.0.0.1 only and every load generator stops by
itself. Per round, each tracker is started, measured and stopped in turn,
and the order of the trackers rotates between rounds, so that background
load on the machine falls on all of them alike. Measurements:

  udp-announce  bench/tracker/udp_load.py, 2 processes, 64 requests in flight each
  http-announce wrk -t1 -c32 with bench/tracker/http_load.lua
  udp-scrape, http-scrape  the same tools, one info hash per scrape
  memory        resident memory growth after announcing 1,000,000 peers
                (10,000 torrents of 100 peers) over UDP, divided by the
                peers that a scrape then counts

Rates are given per second of wall time and per second of the tracker
process's CPU time (user + system, all threads, from /proc/PID/stat): the
machine has 2 cores, and the load generator and other users share them.

Needs: opentracker (Debian package), node with bittorrent-tracker installed
in var/node (or in ANIRENA_NODE_DIR), wrk, and Redis at 127.0.0.1:6379 for the
Redis store. Results go to DIR/results.json and DIR/results.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from summarize import summarize

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent.parent
PYTHON = sys.executable
REDIS_URL = "redis://127.0.0.1:6379/0"

RATE_TORRENTS = 1000
RATE_PEERS_PER_TORRENT = 50
MEMORY_TORRENTS = 10_000
MEMORY_PEERS_PER_TORRENT = 100


def free_port() -> int:
    """Return a port that is free for both TCP and UDP on 127.0.0.1."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port


def write_hashes(path: Path, count: int, label: str) -> list[str]:
    hashes = [hashlib.sha1(f"{label}-{number}".encode()).hexdigest() for number in range(count)]
    path.write_text("".join(f"{value}\n" for value in hashes))
    return hashes


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# -- trackers -------------------------------------------------------------------------------------


class TrackerProcess:
    """One tracker server on 127.0.0.1, with HTTP and UDP on the same port number."""

    name = ""
    kinds = ("udp-announce", "http-announce", "udp-scrape", "http-scrape")

    def __init__(self, hashes_file: Path, workdir: Path) -> None:
        self.hashes_file = hashes_file
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        log = open(self.workdir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not self._answers_udp():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start; see {log.name}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def _answers_udp(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.settimeout(0.3)
            try:
                probe.sendto(struct.pack("!QI4s", 0x41727101980, 0, b"ping"), ("127.0.0.1", self.port))
                return len(probe.recv(64)) >= 16
            except OSError:
                return False


class Ours(TrackerProcess):
    def __init__(self, hashes_file: Path, workdir: Path, http_server: str = "builtin", redis: bool = False) -> None:
        super().__init__(hashes_file, workdir)
        self.http_server = http_server
        self.redis_prefix = f"anirena-bench:{uuid.uuid4().hex}:" if redis else None
        store = "redis" if redis else "memory"
        self.name = f"anirena-{http_server}-{store}"
        if http_server == "uvicorn":
            # Its UDP server is the same as with the built-in HTTP server.
            self.kinds = ("http-announce", "http-scrape")

    def command(self) -> list[str]:
        command = [
            PYTHON,
            str(BENCH_DIR / "serve_ours.py"),
            "--torrents",
            str(self.hashes_file),
            "--port",
            str(self.port),
            "--http-server",
            self.http_server,
        ]
        if self.redis_prefix:
            command += ["--redis-url", REDIS_URL, "--redis-prefix", self.redis_prefix]
        return command

    def stop(self) -> None:
        super().stop()
        if self.redis_prefix:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            try:
                keys = list(client.scan_iter(match=f"{self.redis_prefix}*", count=1000))
                for start in range(0, len(keys), 1000):
                    client.delete(*keys[start : start + 1000])
            finally:
                client.close()


class OpenTracker(TrackerProcess):
    name = "opentracker"

    def command(self) -> list[str]:
        # opentracker chroots into -d, so the whitelist path is relative to it.
        shutil.copy(self.hashes_file, self.workdir / "whitelist.txt")
        return ["opentracker", "-i", "127.0.0.1", "-p", str(self.port), "-P", str(self.port), "-d", str(self.workdir), "-w", "whitelist.txt"]


class BittorrentTracker(TrackerProcess):
    name = "bittorrent-tracker"
    node_dir = Path(os.environ.get("ANIRENA_NODE_DIR", REPO_ROOT / "var" / "node"))

    def command(self) -> list[str]:
        return [
            "node",
            str(BENCH_DIR / "bittorrent_tracker_server.mjs"),
            "--dir",
            str(self.node_dir),
            "--http-port",
            str(self.port),
            "--udp-port",
            str(self.port),
            "--max-seconds",
            "900",
        ]


# -- measurements ---------------------------------------------------------------------------------


def check_http_announce(tracker: TrackerProcess, info_hash_hex: str) -> None:
    """Raise unless one HTTP announce gets a non-failure response: the registry and whitelist work."""
    encoded = "".join(f"%{info_hash_hex[index:index + 2]}" for index in range(0, 40, 2))
    url = (
        f"http://127.0.0.1:{tracker.port}/announce?info_hash={encoded}"
        "&peer_id=-CK0001-000000000001&port=9999&uploaded=0&downloaded=0&left=0&compact=1"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        body = response.read()
    if b"failure reason" in body or b"peers" not in body:
        raise RuntimeError(f"{tracker.name} rejected the check announce: {body[:200]!r}")


def measure_udp(tracker: TrackerProcess, mode: str, seconds: float, warmup: float, hashes_file: Path) -> dict:
    command = [
        PYTHON,
        str(BENCH_DIR / "udp_load.py"),
        "--target",
        f"127.0.0.1:{tracker.port}",
        "--hashes",
        str(hashes_file),
        "--mode",
        mode,
        "--seconds",
        str(seconds),
        "--warmup",
        str(warmup),
        "--peers-per-torrent",
        str(RATE_PEERS_PER_TORRENT),
        "--server-pid",
        str(tracker.pid),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + warmup + 300)
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["command"] = " ".join(command[1:])
    return result


def measure_http(tracker: TrackerProcess, mode: str, seconds: float, warmup: float, hashes_file: Path) -> dict:
    environment = dict(os.environ, BENCH_HASHES=str(hashes_file), BENCH_MODE=mode, BENCH_PEERS=str(RATE_PEERS_PER_TORRENT))
    base = ["wrk", "-t1", "-c32", "-s", str(BENCH_DIR / "http_load.lua"), f"http://127.0.0.1:{tracker.port}"]
    if warmup > 0:
        subprocess.run(base[:1] + [f"-d{warmup:g}s"] + base[1:], check=True, capture_output=True, env=environment, timeout=warmup + 60)
    command = base[:1] + [f"-d{seconds:g}s"] + base[1:]
    cpu_before = cpu_seconds(tracker.pid)
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=environment, timeout=seconds + 60).stdout
    server_cpu = cpu_seconds(tracker.pid) - cpu_before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "ok": requests,
        "per_second": rate,
        "server_cpu_seconds": server_cpu,
        "per_server_cpu_second": requests / max(server_cpu, 1e-9),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "command": f"BENCH_MODE={mode} BENCH_PEERS={RATE_PEERS_PER_TORRENT} BENCH_HASHES=FILE " + " ".join(command),
    }


def count_peers(port: int, hashes: list[str]) -> int:
    """Return the seeders plus leechers of all hashes, from UDP scrapes of 74 hashes each."""
    total = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.connect(("127.0.0.1", port))
        client.settimeout(2)
        client.send(struct.pack("!QI4s", 0x41727101980, 0, b"conn"))
        connection_id = struct.unpack_from("!Q", client.recv(64), 8)[0]
        for start in range(0, len(hashes), 74):
            batch = hashes[start : start + 74]
            client.send(struct.pack("!QI4s", connection_id, 2, b"scra") + b"".join(bytes.fromhex(value) for value in batch))
            response = client.recv(8 + 12 * 74)
            for offset in range(8, len(response), 12):
                seeders, _, leechers = struct.unpack_from("!III", response, offset)
                total += seeders + leechers
    return total


def measure_memory(tracker: TrackerProcess, hashes: list[str], hashes_file: Path, peers_per_torrent: int) -> dict:
    time.sleep(1)
    before = rss_bytes(tracker.pid)
    command = [
        PYTHON,
        str(BENCH_DIR / "udp_load.py"),
        "--target",
        f"127.0.0.1:{tracker.port}",
        "--hashes",
        str(hashes_file),
        "--mode",
        "fill",
        "--window",
        "32",
        "--warmup",
        "0",
        "--peers-per-torrent",
        str(peers_per_torrent),
    ]
    started = time.monotonic()
    fill = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, timeout=900).stdout.strip().splitlines()[-1])
    time.sleep(2)
    after = rss_bytes(tracker.pid)
    peers = count_peers(tracker.port, hashes)
    return {
        "rss_before": before,
        "rss_after": after,
        "peers": peers,
        "bytes_per_peer": (after - before) / max(peers, 1),
        "fill_seconds": round(time.monotonic() - started, 1),
        "fill": fill,
        "command": " ".join(command[1:]),
    }


# -- session --------------------------------------------------------------------------------------


def machine_description() -> dict:
    model = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break

    def version(command: list[str]) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "missing"
        return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else ""

    package = json.loads((BittorrentTracker.node_dir / "node_modules" / "bittorrent-tracker" / "package.json").read_text())
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "wrk": version(["wrk", "--version"]),
        "opentracker": version(["dpkg-query", "-W", "-f", "${Version}", "opentracker"]),
        "bittorrent_tracker": package["version"],
    }


def run_rates(arguments, workdir: Path, hashes_file: Path, hashes: list[str], results: list) -> None:
    for round_number in range(arguments.rounds):
        trackers = [
            Ours(hashes_file, workdir),
            OpenTracker(hashes_file, workdir),
            BittorrentTracker(hashes_file, workdir),
            Ours(hashes_file, workdir, http_server="uvicorn"),
            Ours(hashes_file, workdir, redis=True),
        ]
        if arguments.trackers:
            trackers = [tracker for tracker in trackers if tracker.name in arguments.trackers]
        shift = round_number % len(trackers)
        for tracker in trackers[shift:] + trackers[:shift]:
            tracker.start()
            try:
                check_http_announce(tracker, hashes[0])
                for kind in tracker.kinds:
                    protocol, mode = kind.split("-")
                    measure = measure_udp if protocol == "udp" else measure_http
                    load_before = load_average()
                    result = measure(tracker, mode, arguments.seconds, arguments.warmup, hashes_file)
                    result.update(tracker=tracker.name, kind=kind, round=round_number, load_before=load_before, load_after=load_average())
                    results.append(result)
                    print(
                        f"round {round_number} {tracker.name:28} {kind:14} {result['per_second']:10,.0f}/s "
                        f"{result['per_server_cpu_second']:10,.0f}/server-CPU-s  load {load_before}->{result['load_after']}",
                        flush=True,
                    )
            finally:
                tracker.stop()


def run_memory(arguments, workdir: Path, results: list) -> None:
    plans = [
        (Ours, MEMORY_TORRENTS, "memory"),
        (OpenTracker, MEMORY_TORRENTS, "memory"),
        (BittorrentTracker, arguments.bittorrent_tracker_memory_torrents, "memory-bt"),
    ]
    for tracker_class, torrents, label in plans:
        hashes_file = workdir / f"hashes-{label}.txt"
        hashes = write_hashes(hashes_file, torrents, label)
        tracker = tracker_class(hashes_file, workdir)
        tracker.start()
        try:
            load_before = load_average()
            result = measure_memory(tracker, hashes, hashes_file, MEMORY_PEERS_PER_TORRENT)
            result.update(tracker=tracker.name, kind="memory", torrents=torrents, load_before=load_before, load_after=load_average())
            results.append(result)
            print(
                f"memory {tracker.name:28} {result['peers']:,} peers  {result['bytes_per_peer']:.0f} bytes/peer  "
                f"fill {result['fill_seconds']} s  load {load_before}->{result['load_after']}",
                flush=True,
            )
        finally:
            tracker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run (default: 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each run (default: 2)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all trackers (default: 2)")
    parser.add_argument(
        "--trackers",
        nargs="+",
        metavar="NAME",
        help="rate runs of these trackers only: anirena-builtin-memory, anirena-uvicorn-memory, "
        "anirena-builtin-redis, opentracker, bittorrent-tracker (default: all)",
    )
    parser.add_argument("--skip-rates", action="store_true", help="measure memory only")
    parser.add_argument("--skip-memory", action="store_true", help="measure rates only")
    parser.add_argument(
        "--bittorrent-tracker-memory-torrents",
        type=int,
        default=2000,
        help="torrents of 100 peers for bittorrent-tracker's memory run, which fills slowly (default: 2000)",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / time.strftime("tracker-%Y%m%d-%H%M%S"))
    arguments = parser.parse_args()

    workdir = arguments.out
    workdir.mkdir(parents=True, exist_ok=True)
    hashes_file = workdir / "hashes-rate.txt"
    hashes = write_hashes(hashes_file, RATE_TORRENTS, "rate")
    session = {"machine": machine_description(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "arguments": sys.argv[1:]}
    print(json.dumps(session["machine"]), flush=True)
    results: list[dict] = []
    try:
        if not arguments.skip_rates:
            run_rates(arguments, workdir, hashes_file, hashes, results)
        if not arguments.skip_memory:
            run_memory(arguments, workdir, results)
    finally:
        session["results"] = results
        (workdir / "results.json").write_text(json.dumps(session, indent=2))
        if results:
            (workdir / "results.md").write_text(summarize(session) + "\n")
        print(f"results in {workdir / 'results.json'} and results.md")


if __name__ == "__main__":
    main()
