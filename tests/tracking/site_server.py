"""Start `anirena serve` in a subprocess on free ports, with its own data folder, for end-to-end tests."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ANIRENA = str(Path(sys.executable).with_name("anirena"))


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SiteServer:
    """One site process on 127.0.0.1 with the embedded defaults (SQLite, memory peer store)."""

    def __init__(self, data_dir: Path, **extra_env: str):
        self.port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value for key, value in os.environ.items()
            if not key.startswith("ANIRENA_") or key in ("ANIRENA_REQUIRE_ALL", "ANIRENA_SHARED_DATA")
        }
        self.env.update({
            "ANIRENA_DATA_DIR": str(data_dir),
            "ANIRENA_SITE_URL": self.url,
            "ANIRENA_UDP_TRACKER_PORT": str(self.udp_port),
            "ANIRENA_FAST_PASSWORD_HASHING": "1",
            **extra_env,
        })
        self.process = None

    def run(self, *args: str, input_text: str | None = None) -> str:
        """Run an `anirena` command against this site's data folder and return its output."""
        result = subprocess.run([ANIRENA, *args], env=self.env, capture_output=True, text=True, input=input_text,
                                timeout=120)
        if result.returncode != 0:
            raise AssertionError(f"anirena {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.log = open(Path(self.env["ANIRENA_DATA_DIR"]) / "serve.log", "w")
        self.process = subprocess.Popen([ANIRENA, "serve", "--port", str(self.port)], env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"anirena serve exited: {self.read_log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"anirena serve did not answer /healthz: {self.read_log()}")

    def read_log(self) -> str:
        return (Path(self.env["ANIRENA_DATA_DIR"]) / "serve.log").read_text()

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            return response.read().decode()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()


def have_anirena_command() -> bool:
    return shutil.which(ANIRENA) is not None or Path(ANIRENA).exists()
