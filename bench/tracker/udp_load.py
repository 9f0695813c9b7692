"""UDP tracker load generator (BEP 15): pre-built packets, several processes, a window of requests in flight.

    python bench/tracker/udp_load.py --target 127.0.0.1:6969 --hashes FILE [--mode announce|scrape|fill]

Each process opens one socket, gets a connection id, builds all its packets
before the clock starts, keeps `--window` requests in flight and sends the
next one as soon as a response arrives. A request unanswered for 0.2 s
counts as lost and is replaced. Modes:

  announce  re-announce a pool of peers (--peers-per-torrent per torrent, a
            third of them seeders, numwant 50) for --seconds after --warmup
  scrape    scrape --hashes-per-scrape hashes per request for --seconds
  fill      announce every peer of the pool once, for the memory measurement

Peers differ by port (10000 + their number in the torrent), since they
all come from 127.0.0.1. Prints one JSON line with the counts.
Sends only to --target, which must be a loopback address.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import multiprocessing
import os
import socket
import struct
import time

PROTOCOL_ID = 0x41727101980
LOSS_TIMEOUT = 0.2
FIRST_PEER_PORT = 10000
_HEAD = struct.Struct("!QI4s")
_ANNOUNCE = struct.Struct("!20s20sQQQI4sIiH")


def read_hashes(path: str) -> list[bytes]:
    with open(path) as handle:
        return [bytes.fromhex(line.strip()) for line in handle if line.strip()]


def connect(sock: socket.socket) -> int:
    """Return a new connection id. Late responses to earlier requests are skipped."""
    for _ in range(10):
        sock.send(_HEAD.pack(PROTOCOL_ID, 0, b"conn"))
        try:
            while True:
                response = sock.recv(2048)
                if len(response) >= 16 and response[:8] == bytes(4) + b"conn":
                    return struct.unpack_from("!Q", response, 8)[0]
        except TimeoutError:
            continue
    raise RuntimeError("no connect response from the tracker")


def peer_slice(worker: int, workers: int, torrents: int, peers_per_torrent: int) -> range:
    total = torrents * peers_per_torrent
    return range(worker * total // workers, (worker + 1) * total // workers)


def announce_bodies(hashes: list[bytes], numbers: range, peers_per_torrent: int, event: int) -> list[bytes]:
    """Return the announce bodies (without the 16-byte header) of peers `numbers`."""
    bodies = []
    torrents = len(hashes)
    for number in numbers:
        torrent, peer = number % torrents, number // torrents
        if peer >= peers_per_torrent:
            continue
        left = 0 if peer % 3 == 0 else 1000
        peer_id = b"-UL0001-" + number.to_bytes(12, "big")
        bodies.append(
            _ANNOUNCE.pack(hashes[torrent], peer_id, 0, left, 0, event, bytes(4), 0, 50, FIRST_PEER_PORT + peer)
        )
    return bodies


def scrape_bodies(hashes: list[bytes], worker: int, per_request: int) -> list[bytes]:
    offset = worker * 7919
    return [
        b"".join(hashes[(offset + start + index) % len(hashes)] for index in range(per_request))
        for start in range(0, len(hashes), per_request)
    ]


def with_headers(connection_id: int, action: int, bodies: list[bytes]) -> list[bytes]:
    return [_HEAD.pack(connection_id, action, index.to_bytes(4, "big")) + body for index, body in enumerate(bodies)]


def run_window(sock: socket.socket, packets: list[bytes], action: int, seconds: float, window: int, once: bool) -> dict:
    """Keep `window` packets in flight and return the counts. With `once`, send each packet one time, then stop."""
    send = sock.send
    recv_into = sock.recv_into
    buffer = bytearray(4096)
    total = len(packets)
    ok = errors = lost = 0
    index = 0

    for _ in range(min(window, total)):
        send(packets[index % total])
        index += 1
    in_flight = min(window, total)
    started = time.perf_counter()
    deadline = started + seconds
    checks = 0

    while in_flight:
        try:
            recv_into(buffer)
        except TimeoutError:
            lost += in_flight
            in_flight = 0
        else:
            in_flight -= 1
            if buffer[3] == action:
                ok += 1
            else:
                errors += 1
        # Reading the clock every 256 responses keeps it out of the per-packet cost.
        checks += 1
        if checks & 255 == 0 and time.perf_counter() >= deadline:
            break

        while in_flight < window and (not once or index < total):
            send(packets[index % total])
            index += 1
            in_flight += 1
    return {"ok": ok, "errors": errors, "lost": lost, "seconds": time.perf_counter() - started}


def worker_main(options: dict, worker: int, barrier, measured, results) -> None:
    hashes = read_hashes(options["hashes"])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.connect(options["target"])
    sock.settimeout(LOSS_TIMEOUT)
    mode = options["mode"]
    if mode == "scrape":
        bodies = scrape_bodies(hashes, worker, options["hashes_per_scrape"])
        action = 2
    else:
        numbers = peer_slice(worker, options["workers"], len(hashes), options["peers_per_torrent"])
        bodies = announce_bodies(hashes, numbers, options["peers_per_torrent"], 2 if mode == "fill" else 0)
        action = 1
    packets = with_headers(connect(sock), action, bodies)
    barrier.wait()

    if mode == "fill":
        measured.wait()
        # Chunks keep each connection id well inside its validity.
        counts = {"ok": 0, "errors": 0, "lost": 0, "seconds": 0.0}
        chunk = 100_000
        for start in range(0, len(bodies), chunk):
            packets = with_headers(connect(sock), action, bodies[start : start + chunk])
            part = run_window(sock, packets, action, 10_000, options["window"], once=True)
            for key in counts:
                counts[key] += part[key]
        results.put(counts)
        return
    if options["warmup"] > 0:
        run_window(sock, packets, action, options["warmup"], options["window"], once=False)
        _drain(sock)
    measured.wait()
    results.put(run_window(sock, packets, action, options["seconds"], options["window"], once=False))


def _drain(sock: socket.socket) -> None:
    try:
        while True:
            sock.recv(4096)
    except TimeoutError:
        pass


def run(options: dict) -> dict:
    """Start the worker processes, wait for them and return the summed counts."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(options["workers"] + 1)
    # Passed when the warm-up is over, so that the server's CPU time is read at the start of the measurement.
    measured = context.Barrier(options["workers"] + 1)
    results = context.Queue()
    processes = [
        context.Process(target=worker_main, args=(options, number, barrier, measured, results))
        for number in range(options["workers"])
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    measured.wait(timeout=options["warmup"] + 60)
    cpu_before = process_cpu_seconds(options["server_pid"])
    parts = [results.get(timeout=options["seconds"] + 600) for _ in processes]
    cpu_after = process_cpu_seconds(options["server_pid"])
    for process in processes:
        process.join(10)
    total = {key: sum(part[key] for part in parts) for key in ("ok", "errors", "lost")}
    total["seconds"] = max(part["seconds"] for part in parts)
    total["per_second"] = total["ok"] / total["seconds"] if total["seconds"] else 0.0
    if cpu_before is not None and cpu_after is not None:
        total["server_cpu_seconds"] = cpu_after - cpu_before
        total["per_server_cpu_second"] = total["ok"] / max(cpu_after - cpu_before, 1e-9)
    return total


def process_cpu_seconds(pid: int | None) -> float | None:
    """Return the user plus system CPU time of a process and all its threads, or None without a pid."""
    if not pid:
        return None
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of proc(5), the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_target(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError(f"target must be a loopback address, got {host}")
    return host, int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=parse_target, required=True, help="tracker UDP address, HOST:PORT")
    parser.add_argument("--hashes", required=True, help="file of registered info hashes, hex, one per line")
    parser.add_argument("--mode", choices=["announce", "scrape", "fill"], default="announce")
    parser.add_argument("--workers", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--window", type=int, default=64, help="requests in flight per process (default: 64)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time (default: 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before it (default: 2)")
    parser.add_argument("--peers-per-torrent", type=int, default=50, help="peers per torrent (default: 50)")
    parser.add_argument("--server-pid", type=int, help="tracker process whose CPU time to report")
    parser.add_argument("--hashes-per-scrape", type=int, default=1, help="hashes per scrape request (default: 1)")
    arguments = parser.parse_args()
    options = vars(arguments)
    print(json.dumps(run(options)))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
