"""Helpers for the external scrape tests: a blocking UDP announce client and the npm bittorrent-tracker server.

The npm package is looked up in ANIRENA_NODE_DIR, else in var/node of the
repository, where this installs it:

    mkdir -p var/node && cd var/node && npm init -y && npm install --ignore-scripts bittorrent-tracker@11
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
from pathlib import Path

from anirena.testing import REPO_ROOT, need

PROTOCOL_ID = 0x41727101980
SERVER_SCRIPT = REPO_ROOT / "bench" / "tracker" / "bittorrent_tracker_server.mjs"


def node_dir() -> Path:
    return Path(os.environ.get("ANIRENA_NODE_DIR", REPO_ROOT / "var" / "node"))


def need_bittorrent_tracker() -> None:
    package = node_dir() / "node_modules" / "bittorrent-tracker" / "server.js"
    need(shutil.which("node") is not None, "node is not installed; apt-get install nodejs")
    need(
        package.exists(),
        f"npm bittorrent-tracker not found at {package}; run "
        f"`npm install --ignore-scripts bittorrent-tracker@11` in {node_dir()} or set ANIRENA_NODE_DIR",
    )


def peer_id(number: int) -> bytes:
    return b"-AR0001-" + number.to_bytes(12, "big")


def udp_announce(
    address: tuple[str, int], info_hash: bytes, number: int, port: int, *, seeder: bool, event: int = 2
) -> tuple[int, int]:
    """Announce one peer from 127.0.0.1 over UDP and return the (seeders, leechers) of the response."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.bind(("127.0.0.1", 0))
        client.settimeout(5)
        client.sendto(struct.pack("!QI4s", PROTOCOL_ID, 0, b"conn"), address)
        action, _, connection_id = struct.unpack("!I4sQ", client.recvfrom(2048)[0][:16])
        assert action == 0, f"connect failed: action {action}"
        left = 0 if seeder else 1000
        body = struct.pack("!20s20sQQQI4sIiH", info_hash, peer_id(number), 0, left, 0, event, bytes(4), 0, 0, port)
        client.sendto(struct.pack("!QI4s", connection_id, 1, b"anno") + body, address)
        response = client.recvfrom(2048)[0]
    action, _, _, leechers, seeders = struct.unpack_from("!I4sIII", response)
    assert action == 1, f"announce failed: {response[8:]!r}"
    return seeders, leechers


class BittorrentTrackerProcess:
    """The npm bittorrent-tracker server on 127.0.0.1, started by bench/tracker/bittorrent_tracker_server.mjs."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(SERVER_SCRIPT), "--dir", str(node_dir()), "--max-seconds", "300"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read().decode(errors="replace")
            self.process.wait(5)
            raise RuntimeError(f"bittorrent-tracker did not start: {error.strip()}")
        ports = json.loads(line)
        self.http_port: int = ports["http"]
        self.udp_port: int = ports["udp"]
        # The IPv6 UDP socket listens on ::1.
        self.udp6_port: int = ports["udp6"]

    @property
    def udp_address(self) -> tuple[str, int]:
        return "127.0.0.1", self.udp_port

    @property
    def udp_url(self) -> str:
        return f"udp://127.0.0.1:{self.udp_port}/announce"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/announce"

    def stop(self) -> None:
        # Closing standard input makes the script stop the server and exit.
        self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process.stdout.close()
        self.process.stderr.close()
