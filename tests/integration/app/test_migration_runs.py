"""The function app in the local Durable host, with real simulators, gateway and Azurite as child processes.

Covers what the e2e demo does not: a wrong source webhook fails the run fast with a message that names the portal
and never the code; ``test_limit`` bounds a run; the progress API answers 404 and 400 as documented.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.demo import Stack, run_migration
from cli.http import request_json


@pytest.fixture(scope="module")
def wrong_code_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("wrong"), host_source_code="0badc0de0badc0de")
    try:
        stack.up("tiny", None)
        yield stack
    finally:
        stack.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("stack"))
    try:
        stack.up("tiny", None)
        yield stack
    finally:
        stack.close()


def test_wrong_source_code_fails_fast_naming_the_portal(wrong_code_stack: Stack) -> None:
    state = run_migration(wrong_code_stack.host_url, {}, "wrong", timeout_s=60)
    assert state["runtimeStatus"] == "Failed"
    error = str(state["error"])
    assert "127.0.0.1" in error and "NO_AUTH_FOUND" in error
    assert "0badc0de0badc0de" not in error
    _, stats = request_json("GET", f"{wrong_code_stack.source_url}/_sim/stats")
    assert stats["requests"] <= 3  # the pre-flight read, not a retry storm
    for log in (wrong_code_stack.out / "logs").glob("*.log"):
        assert "0badc0de0badc0de" not in log.read_text(errors="replace"), log.name


def test_test_limit_bounds_the_run(stack: Stack) -> None:
    state = run_migration(stack.host_url, {"test_limit": 7}, "limited", timeout_s=120)
    assert state["runtimeStatus"] == "Completed"
    users = state["families"]["users"]
    assert users["extracted"] == 7 and users["imported"] == 7
    _, counts = request_json("GET", f"{stack.target_url}/_sim/counts")
    assert counts["users"] == 7


def test_progress_api_errors(stack: Stack) -> None:
    status, body = request_json("GET", f"{stack.host_url}/api/migrations/run-doesnotexist")
    assert status == 404 and "run-doesnotexist" in body["error"]
    status, body = request_json("POST", f"{stack.host_url}/api/migrations/everything", {})
    assert status == 400 and "unknown phase" in body["error"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_cli_start_watch_status_validate(stack: Stack, tmp_path: Path) -> None:
    started = _cli("start", "users", "--host", stack.host_url)
    assert started.returncode == 0, started.stderr
    run_id = json.loads(started.stdout)["id"]
    watched = _cli("watch", run_id, "--host", stack.host_url, "--interval", "0.2")
    assert watched.returncode == 0, watched.stderr
    assert "users" in watched.stderr and "Completed" in watched.stderr
    status = _cli("status", run_id, "--host", stack.host_url)
    body = json.loads(status.stdout)
    assert body["runtimeStatus"] == "Completed" and body["families"]["users"]["state"] == "done"
    validated = _cli("validate", "--run", run_id, "--out", str(tmp_path / "v"), "--host", stack.host_url)
    report = json.loads((tmp_path / "v" / "report.json").read_text())
    _, counts = request_json("GET", f"{stack.source_url}/_sim/counts")
    assert report["run_id"] == run_id and report["families"]["users"]["source"] == counts["users"]
    assert validated.returncode == (0 if report["acceptance"]["passed"] else 1)
    missing = _cli("status", "run-nope", "--host", stack.host_url)
    assert missing.returncode == 1 and "run-nope" in missing.stdout


def test_delta_timer_runs_a_singleton_delta_from_the_watermark(stack: Stack) -> None:
    # before any complete run there is no watermark: a tick starts nothing
    status, _ = request_json("POST", f"{stack.host_url}/admin/functions/delta_timer", {})
    assert status in (200, 202)
    code, _ = request_json("GET", f"{stack.host_url}/api/migrations/delta-singleton")
    assert code == 404
    full = run_migration(stack.host_url, {}, "full", timeout_s=300)
    assert full["runtimeStatus"] == "Completed"
    status, _ = request_json("POST", f"{stack.host_url}/admin/functions/delta_timer", {})
    assert status in (200, 202)
    deadline = time.monotonic() + 120
    while True:
        code, delta = request_json("GET", f"{stack.host_url}/api/migrations/delta-singleton")
        if code == 200 and delta["runtimeStatus"] in ("Completed", "Failed"):
            break
        assert time.monotonic() < deadline, delta
        time.sleep(0.3)
    assert delta["runtimeStatus"] == "Completed", delta.get("error")
    assert delta["phase"] == "delta"
    # nothing changed in the source since the full run started, so the delta imports nothing
    assert sum(c.get("imported", 0) for c in delta["families"].values()) == 0
