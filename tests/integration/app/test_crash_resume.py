"""The whole migration survives a crashed worker: SIGKILL the host mid-run, restart it, nothing is lost or doubled.

The host process (orchestrations, activities, entity) is killed twice while families are in flight, and started
again on the same SQLite store; the run must resume on its own and end with every record in the target exactly
once (the target's counts equal the source's and the run's own validation passes).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.demo import Stack
from cli.http import request_json
from cli.progress import TERMINAL


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(tmp_path / "crash")
    try:
        stack.up("small", None)
        yield stack
    finally:
        stack.close()


def _wait_until_running(stack: Stack, run_id: str, family: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _, state = request_json("GET", f"{stack.host_url}/api/migrations/{run_id}")
        families = state.get("families") or {} if isinstance(state, dict) else {}
        if families.get(family, {}).get("state") == "running" and families[family].get("extracted", 0) > 0:
            return
        assert not isinstance(state, dict) or state.get("runtimeStatus") not in TERMINAL, state
        time.sleep(0.05)
    raise AssertionError(f"{family} never ran")


def test_sigkill_mid_run_resumes_without_loss_or_duplicates(stack: Stack) -> None:
    status, started = request_json("POST", f"{stack.host_url}/api/migrations/all", {})
    assert status == 202
    run_id = started["id"]
    for family in ("feed_comments", "task_comments"):
        _wait_until_running(stack, run_id, family)
        stack.restart_host()
    deadline = time.monotonic() + 600
    while True:
        _, state = request_json("GET", f"{stack.host_url}/api/migrations/{run_id}")
        if state["runtimeStatus"] in TERMINAL:
            break
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert state["runtimeStatus"] == "Completed", state.get("error")
    report = state["output"]["report"]
    assert report["acceptance"]["counts_match"] and report["acceptance"]["no_orphans"], report["acceptance"]
    _, source = request_json("GET", f"{stack.source_url}/_sim/counts")
    _, target = request_json("GET", f"{stack.target_url}/_sim/counts")
    for family in ("users", "groups", "chats", "tasks", "crm_deals", "crm_contacts", "feed_posts"):
        assert target[family] == source[family], family
    # the interrupted families were finished, not doubled: equal counts above, and no dead letter beyond the
    # comments the source withholds
    for name, family in report["families"].items():
        assert family["dead_lettered"] == family["unreadable"], name
