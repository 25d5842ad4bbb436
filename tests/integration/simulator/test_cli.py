"""`b24migrate sim serve` as a real process: the ready line, a real request, clean exit on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request


def test_serve_prints_ready_line_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli.sim import app; app()",
            "serve",
            "--port",
            "0",
            "--webhook",
            "7/abc",
            "--mode",
            "source",
            "--limits",
            "standard",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        base = line.removeprefix("listening on ")
        with urllib.request.urlopen(f"{base}/rest/7/abc/profile", timeout=10) as response:
            body = json.loads(response.read())
        assert body["result"]["ID"] == "7" and body["result"]["ADMIN"] is True
        assert "operating" in body["time"]
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    assert code == 0
    assert "abc" not in (process.stderr.read() if process.stderr else "")


def test_serve_rejects_bad_options_without_echoing_secrets() -> None:
    for extra in (
        ["--limits", "fast"],
        ["--webhook", "x/secretcode"],
        ["--faults", "503:2"],
        ["--mode", "both"],
        ["--fixture", "/nonexistent/portal.json"],
        ["--fixture", __file__],
    ):
        done = subprocess.run(
            [sys.executable, "-c", "from cli.sim import app; app()", "serve", "--port", "0", *extra],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 2, (extra, done.stderr)
        assert "secretcode" not in done.stdout + done.stderr
