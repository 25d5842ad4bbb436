"""The function app in the local Durable host, with real simulators, gateway and Azurite as child processes.

Covers what the e2e demo does not: a wrong source webhook fails the run fast with a message that names the portal
and never the code; ``test_limit`` bounds a run; the progress API answers 404 and 400 as documented.
"""

from __future__ import annotations

from collections.abc import Iterator

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
