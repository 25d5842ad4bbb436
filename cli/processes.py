"""Child processes of the demo and the tests: free loopback ports, start, wait until ready, stop by PID.

Only processes started here are ever signalled, and always by their own PID (SIGTERM, then SIGKILL after a
grace period), so two demos side by side never touch each other's servers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_command(*args: str) -> list[str]:
    """``b24migrate <args>`` run with this interpreter (works without the console script on PATH)."""
    return [sys.executable, "-m", "cli", *args]


@dataclass
class Child:
    """One started server process and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    url: str = ""
    _log: object = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM, wait, then SIGKILL; only this child's PID."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                self.process.wait(timeout=5)
        if self._log is not None:
            with contextlib.suppress(Exception):
                self._log.close()  # type: ignore[attr-defined]

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(name: str, argv: list[str], log_dir: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Child:
    """Start a child with stdout and stderr going to ``<log_dir>/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = log_path.open("ab")
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    process = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=str(cwd or REPO),
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    return Child(name=name, process=process, log_path=log_path, _log=log)


def wait_http(child: Child, url: str, timeout_s: float = 60.0) -> None:
    """Poll ``url`` until it answers any HTTP status.

    Raises:
        RuntimeError: the child died or did not answer in time (with its log tail).
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited with {child.process.returncode}:\n{child.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{child.name} did not answer at {url} within {timeout_s:.0f}s:\n{child.log_tail()}")


def wait_port(child: Child, port: int, timeout_s: float = 60.0) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited with {child.process.returncode}:\n{child.log_tail()}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{child.name} did not listen on {port} within {timeout_s:.0f}s:\n{child.log_tail()}")


def azurite_binary() -> Path:
    """The project-local Azurite (``npm install`` from package.json)."""
    path = REPO / "node_modules" / ".bin" / "azurite"
    if not path.exists():
        raise RuntimeError("Azurite is not installed: run `make install` (npm install from package.json)")
    return path


def start_azurite(log_dir: Path, workdir: Path) -> tuple[Child, tuple[int, int, int]]:
    """Start Azurite on three free ports with its data under ``workdir``; returns the child and the ports."""
    ports = (free_port(), free_port(), free_port())
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        str(azurite_binary()), "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        "--location", str(workdir),
        "--blobHost", "127.0.0.1", "--blobPort", str(ports[0]),
        "--queueHost", "127.0.0.1", "--queuePort", str(ports[1]),
        "--tableHost", "127.0.0.1", "--tablePort", str(ports[2]),
    ]
    child = start("azurite", argv, log_dir)
    for port in ports:
        wait_port(child, port)
    return child, ports
