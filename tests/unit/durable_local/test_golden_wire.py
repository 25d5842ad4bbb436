"""Golden test: the JSON shapes of the pinned SDK's orchestrator and entity handlers.

The host is built on these exact shapes (durable-local-host.md §2-§3); if an SDK upgrade changes any
of them this test fails before the host silently misbehaves. The handlers are the ones the test app
registers, called with hand-built history JSON, without the host.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from durable_local.discovery import Registry, discover, load_app
from durable_local.wire import consume_codec_advisory

APP_DIR = Path(__file__).resolve().parents[2] / "durable_local_app"
T0 = "2026-01-01T00:00:00.000000Z"


@pytest.fixture(scope="module")
def registry() -> Registry:
    consume_codec_advisory()
    return discover(load_app("dl_test_app:app", cwd=APP_DIR))


def _event(etype: int, ts: str = T0, **fields: Any) -> dict[str, Any]:
    return {"EventType": etype, "EventId": -1, "IsPlayed": False, "Timestamp": ts, **fields}


def _payload(name: str, input_json: str, *extra: dict[str, Any]) -> str:
    history = [_event(12), _event(0, Name=name, Version="", Input=input_json,
                                  OrchestrationInstance={"InstanceId": "g1", "ExecutionId": "e1"}), *extra]
    return json.dumps({"history": history, "input": input_json, "instanceId": "g1", "isReplaying": False,
                       "parentInstanceId": None, "upperSchemaVersion": 1, "upperSchemaVersionNew": 3,
                       "maximumShortTimerDuration": "6.00:00:00",
                       "longRunningTimerIntervalDuration": "3.00:00:00"})


def _run(registry: Registry, name: str, input_json: str, *extra: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(registry.orchestrators[name].handler(_payload(name, input_json, *extra))))


def test_pinned_versions() -> None:
    assert version("azure-functions-durable") == "1.7.0"
    assert version("azure-functions") == "1.26.0"


def test_fan_out_is_one_when_all_compound(registry: Registry) -> None:
    assert _run(registry, "fan_out", "2") == {"isDone": False, "schemaVersion": 2, "actions": [[
        {"actionType": 12, "compoundActions": [
            {"actionType": 0, "functionName": "double", "input": "0"},
            {"actionType": 0, "functionName": "double", "input": "1"}]}]]}


def test_retry_is_wrapped_in_when_all_with_retry_options(registry: Registry) -> None:
    spec = json.dumps({"key": "g", "fail_times": 0, "attempts": 2})
    assert _run(registry, "with_retry", spec)["actions"] == [[{"actionType": 12, "compoundActions": [
        {"actionType": 1, "functionName": "flaky", "input": spec,
         "retryOptions": {"firstRetryIntervalInMilliseconds": 10, "maxNumberOfAttempts": 2}}]}]]


def test_entity_signal_then_call_actions(registry: Registry) -> None:
    assert _run(registry, "entity_orch", '"k"')["actions"] == [[
        {"actionType": 9, "instanceId": "@counter@k", "operation": "add", "input": "5"},
        {"actionType": 7, "instanceId": "@counter@k", "operation": "add", "input": "10"}]]


def test_timer_and_external_event_in_when_any_with_custom_status(registry: Registry) -> None:
    assert _run(registry, "approval", "null") == {"isDone": False, "schemaVersion": 2, "actions": [[
        {"actionType": 11, "compoundActions": [
            {"actionType": 6, "externalEventName": "Approve", "reason": "ExternalEvent"},
            {"actionType": 5, "fireAt": "2026-01-01T01:00:00.000000Z", "isCanceled": False}]}]],
        "customStatus": "waiting-for-approval"}


def test_completion_reports_raw_output(registry: Registry) -> None:
    scheduled = _event(4, EventId=0, Name="sync_hello", Version="", Input='"kid"')
    completed = _event(5, "2026-01-01T00:00:01.000000Z", TaskScheduledId=0, Result='"Hello kid"')
    state = _run(registry, "child", json.dumps({"name": "kid"}), scheduled, _event(13), _event(12), completed)
    assert state["isDone"] is True
    assert state["output"] == {"greeting": "Hello kid", "parent": None}


def test_failure_raises_with_out_of_proc_state(registry: Registry) -> None:
    scheduled = _event(4, EventId=0, Name="sync_hello", Version="", Input='"x"')
    completed = _event(5, TaskScheduledId=0, Result='"Hello x"')
    with pytest.raises(Exception) as caught:
        _run(registry, "explode", "null", scheduled, _event(13), _event(12), completed)
    message, _, data = str(caught.value).partition("\n\n$OutOfProcData$:")
    assert message == "nope"
    state = json.loads(data)
    assert (state["isDone"], state["error"], state["customStatus"]) == (False, "nope", "about to fail")


def test_entity_batch_shape(registry: Registry) -> None:
    body = {"self": {"name": "counter", "key": "k"}, "state": "5", "exists": True,
            "batch": [{"name": "add", "input": json.dumps("10"), "isSignal": False, "id": "r1"},
                      {"name": "boom", "input": json.dumps("null"), "isSignal": True, "id": "r2"}]}
    out = json.loads(registry.entities["counter"].handler(json.dumps(body)))
    assert set(out) == {"entityExists", "entityState", "results", "signals"}
    assert (out["entityExists"], out["entityState"], out["signals"]) == (True, "15", [])
    assert [set(r) for r in out["results"]] == [{"isError", "duration", "startTime", "result"}] * 2
    assert [(r["isError"], r["result"]) for r in out["results"]] == [(False, "15"), (True, '"counter exploded"')]
