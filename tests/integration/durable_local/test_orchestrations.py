"""The test app's orchestrations run through the real SDK replay inside the local host."""

from __future__ import annotations

import json
from typing import Any

from durable_local.host import LocalDurableHost
from durable_local.wire import SUB_CREATED, TASK_COMPLETED, TASK_FAILED, TASK_SCHEDULED, TIMER_CREATED, TIMER_FIRED


async def _run(host: LocalDurableHost, name: str, value: Any, instance_id: str | None = None) -> dict[str, Any]:
    iid = host.start_new(name, json.dumps(value), instance_id)
    return await host.wait_for(iid, timeout=20)


async def test_fan_out_sums_all_activity_results(host: LocalDurableHost, app_module: Any) -> None:
    status = await _run(host, "fan_out", 50)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == sum(2 * i for i in range(50))
    assert app_module.RUNS["double"] == 50


async def test_retry_numbering_matches_sdk(host: LocalDurableHost, app_module: Any) -> None:
    status = await _run(host, "with_retry", {"key": "r1", "fail_times": 2, "attempts": 3}, "retry-1")
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] == {"flaky": {"ok": True, "attempts": 3}, "hello": "Hello after-retry"}
    history = host.instance("retry-1").history
    trail = [(e["EventType"], e.get("EventId", -1) if e["EventType"] in (TASK_SCHEDULED, TIMER_CREATED)
              else e.get("TaskScheduledId", e.get("TimerId"))) for e in history
             if e["EventType"] in (TASK_SCHEDULED, TASK_COMPLETED, TASK_FAILED, TIMER_CREATED, TIMER_FIRED)]
    # attempt 1 = seq 0, retry timer 1, attempt 2 = seq 2, timer 3, attempt 3 = seq 4, next activity 5
    assert trail == [(TASK_SCHEDULED, 0), (TASK_FAILED, 0), (TIMER_CREATED, 1), (TIMER_FIRED, 1),
                     (TASK_SCHEDULED, 2), (TASK_FAILED, 2), (TIMER_CREATED, 3), (TIMER_FIRED, 3),
                     (TASK_SCHEDULED, 4), (TASK_COMPLETED, 4), (TASK_SCHEDULED, 5), (TASK_COMPLETED, 5)]


async def test_retry_exhausted_fails_with_last_error(host: LocalDurableHost) -> None:
    status = await _run(host, "with_retry", {"key": "r2", "fail_times": 5, "attempts": 2})
    assert status["runtimeStatus"] == "Failed"
    assert "flaky failure 2" in status["output"]


async def test_sub_orchestrations_with_explicit_and_generated_ids(host: LocalDurableHost) -> None:
    status = await _run(host, "parent", None, "p1")
    assert status["runtimeStatus"] == "Completed"
    assert status["output"]["child"] == {"greeting": "Hello kid", "parent": "p1"}
    assert status["output"]["generated"] == {"greeting": "Hello anon", "parent": "p1"}
    assert host.status("p1:child")["runtimeStatus"] == "Completed"
    created = [e["InstanceId"] for e in host.instance("p1").history if e["EventType"] == SUB_CREATED]
    assert created == ["p1:child", "p1:1"]


async def test_unknown_sub_orchestrator_fails_the_task_not_the_host(host: LocalDurableHost) -> None:
    status = await _run(host, "failing_child_parent", None)
    assert status["output"].startswith("caught: ")
    assert "missing_orchestrator" in status["output"]


async def test_entity_signal_call_error_and_persisted_state(host: LocalDurableHost) -> None:
    status = await _run(host, "entity_orch", "k1")
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] == {"total": 15, "current": 15, "error": "counter exploded"}
    assert host.read_entity("counter", "k1") == "15"
    row = host.store._conn.execute("SELECT state FROM entities WHERE id='@counter@k1'").fetchone()
    assert row == ("15",)


async def test_continue_as_new_resets_history(host: LocalDurableHost) -> None:
    status = await _run(host, "looper", {"n": 0, "limit": 4, "acc": 0}, "loop-1")
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == 2 * (0 + 1 + 2 + 3)
    assert status["customStatus"] == {"generation": 3}
    history = host.instance("loop-1").history
    assert sum(1 for e in history if e["EventType"] == TASK_SCHEDULED) == 1


async def test_durable_timer_fast_forward(host: LocalDurableHost) -> None:
    status = await _run(host, "sleeper", 3600)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] >= 3600


async def test_external_event_wins_and_timer_is_cancelled(host: LocalDurableHost) -> None:
    host.fast_forward = False
    iid = host.start_new("approval", None, "appr-1")
    for _ in range(200):
        if host.status(iid)["customStatus"] == "waiting-for-approval":
            break
        await __import__("asyncio").sleep(0.01)
    host.raise_event(iid, "Approve", json.dumps("alice"))
    status = await host.wait_for(iid, timeout=10)
    assert status["output"] == {"approved_by": "alice"}
    assert not [t for t in host._timers if host._timer_live(t[2])]


async def test_timeout_branch_with_fast_forward(host: LocalDurableHost) -> None:
    status = await _run(host, "approval", None)
    assert status["output"] == "timed-out"


async def test_nondeterminism_is_detected(host: LocalDurableHost) -> None:
    status = await _run(host, "nondeterministic", None)
    assert status["runtimeStatus"] == "Failed"
    assert "Non-Deterministic workflow detected" in status["output"]
    assert host.nondeterminism_errors


async def test_custom_status_and_sync_activity_in_thread(host: LocalDurableHost, app_module: Any) -> None:
    status = await _run(host, "child", {"name": "thread"})
    assert status["output"]["greeting"] == "Hello thread"
    assert app_module.RUNS["sync_hello"] == 1


async def test_scripted_activity_by_name(tmp_path: Any, test_app: Any) -> None:
    async def fake_double(value: int) -> int:
        return value * 100

    async with LocalDurableHost(test_app, db_path=tmp_path / "o.sqlite", activity_overrides={"double": fake_double},
                                fast_forward=True) as scripted:
        status = await _run(scripted, "fan_out", 3)
    assert status["output"] == 300


def test_override_of_unknown_activity_is_refused(tmp_path: Any, test_app: Any) -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown activity"):
        LocalDurableHost(test_app, db_path=tmp_path / "o.sqlite", activity_overrides={"dubble": abs})


async def test_strict_mode_raises_nondeterminism(tmp_path: Any, test_app: Any, app_module: Any) -> None:
    import pytest

    from durable_local.errors import NonDeterminismError

    async with LocalDurableHost(test_app, db_path=tmp_path / "s.sqlite", strict=True) as strict_host:
        iid = strict_host.start_new("nondeterministic", None)
        with pytest.raises(NonDeterminismError, match="Non-Deterministic"):
            await strict_host.wait_for(iid, timeout=10)


async def test_sub_orchestration_retry_reuses_the_explicit_id(host: LocalDurableHost) -> None:
    status = await _run(host, "sub_retry_parent", None, "sr-1")
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] == {"child": {"ok": True, "attempts": 3}, "after": "Hello after"}
    created = [(e["EventId"], e["InstanceId"]) for e in host.instance("sr-1").history if e["EventType"] == SUB_CREATED]
    # attempts take numbers 0, 2, 4 (the retry timers 1 and 3), as the SDK numbers them
    assert created == [(0, "sr-1:c"), (2, "sr-1:c"), (4, "sr-1:c")]
    assert host.status("sr-1:c")["runtimeStatus"] == "Completed"


async def test_activity_concurrency_respects_host_json_cap(tmp_path: Any, test_app: Any, app_dir: Any) -> None:
    import asyncio

    running = peak = 0

    async def slow_double(value: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return value * 2

    async with LocalDurableHost(test_app, db_path=tmp_path / "cap.sqlite", host_json=app_dir / "host.json",
                                activity_overrides={"double": slow_double}) as capped:
        status = await _run(capped, "fan_out", 60)
    assert status["output"] == sum(2 * i for i in range(60))
    assert peak == 16  # maxConcurrentActivityFunctions in the test app's host.json


async def test_long_timer_is_chunked_and_fires(host: LocalDurableHost) -> None:
    status = await _run(host, "sleeper", 10 * 24 * 3600, "long-1")
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] >= 10 * 24 * 3600
    created = [e for e in host.instance("long-1").history if e["EventType"] == TIMER_CREATED]
    assert len(created) == 3  # 3 + 3 + 4 days: 3-day chunks while more than 6 days remain


async def test_event_raised_before_the_orchestrator_waits(host: LocalDurableHost) -> None:
    iid = host.start_new("approval", None, "early-1")
    host.raise_event(iid, "Approve", json.dumps("early-bird"))
    status = await host.wait_for(iid)
    assert status["output"] == {"approved_by": "early-bird"}
