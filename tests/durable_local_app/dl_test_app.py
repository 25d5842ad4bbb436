# mypy: disable-error-code="untyped-decorator"
"""A small v2 Durable Functions app that exercises every feature of the local host in tests.

Blueprint-based like the project's ``function_app.py``: HTTP starters with ``durable_client_input``,
orchestrators using retries, sub-orchestrations with explicit ids, ``task_all``/``task_any``, entities,
custom status, ``continue_as_new`` and durable timers, plus async and sync activities. Activities
record every run in ``RUNS`` (and, when the input names one, in a file) so tests can count re-runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
bp = df.Blueprint()

RUNS: Counter[str] = Counter()
FLAKY_FAILS: Counter[str] = Counter()
NONDETERMINISTIC_CALLS: Counter[str] = Counter()
TICKS: list[str] = []


def _record(path: str | None, line: str) -> None:
    if path:
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())


# HTTP starters


@bp.route(route="orchestrators/{name}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    body = req.get_body()
    payload = json.loads(body) if body else None
    instance_id = await client.start_new(req.route_params["name"], req.params.get("id"), payload)
    response: func.HttpResponse = client.create_check_status_response(req, instance_id)
    return response


@bp.route(route="runs/{instance_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def http_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    status = await client.get_status(req.route_params["instance_id"])
    if not status:
        return func.HttpResponse("not found", status_code=404)
    body = {"runtimeStatus": status.runtime_status.value if status.runtime_status else None,
            "output": status.output, "customStatus": status.custom_status}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@bp.route(route="wait/{name}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def http_start_and_wait(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["name"], None, json.loads(req.get_body() or b"null"))
    response: func.HttpResponse = await client.wait_for_completion_or_create_check_status_response(
        req, instance_id, timeout_in_milliseconds=5000, retry_interval_in_milliseconds=50)
    return response


@bp.route(route="whoami", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def http_whoami(req: func.HttpRequest, client: df.DurableOrchestrationClient,
                      context: func.Context) -> func.HttpResponse:
    return func.HttpResponse(f"{context.function_name} {len(context.invocation_id)}")


@bp.route(route="hello/{who?}", methods=["GET"])
def http_hello(req: func.HttpRequest) -> func.HttpResponse:
    who = req.route_params.get("who") or req.params.get("name", "world")
    return func.HttpResponse(f"hello {who}", headers={"X-Echo": req.headers.get("x-echo", "")})


# activities


@bp.activity_trigger(input_name="value")
async def double(value: int) -> int:
    RUNS["double"] += 1
    await asyncio.sleep(0)
    return value * 2


@bp.activity_trigger(input_name="name")
def sync_hello(name: str) -> str:
    RUNS["sync_hello"] += 1
    return f"Hello {name}"


@bp.activity_trigger(input_name="spec")
async def flaky(spec: dict[str, Any]) -> dict[str, Any]:
    key = spec["key"]
    RUNS[f"flaky:{key}"] += 1
    if FLAKY_FAILS[key] < spec["fail_times"]:
        FLAKY_FAILS[key] += 1
        raise RuntimeError(f"flaky failure {FLAKY_FAILS[key]}")
    return {"ok": True, "attempts": FLAKY_FAILS[key] + 1}


@bp.activity_trigger(input_name="spec")
async def recorded(spec: dict[str, Any]) -> int:
    """Records its start and end (with the process id) in the file the input names (chaos test)."""
    _record(spec.get("log"), f"start {spec['i']} {os.getpid()}")
    await asyncio.sleep(spec.get("sleep", 0))
    _record(spec.get("log"), f"done {spec['i']} {os.getpid()}")
    return int(spec["i"])


@bp.activity_trigger(input_name="spec")
def fail_unless_fixed(spec: dict[str, Any]) -> str:
    if not Path(spec["flag"]).exists():
        raise ValueError("not fixed yet")
    return "fixed"


# orchestrators


@bp.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext) -> Generator[Any, Any, int]:
    count = context.get_input()
    results = yield context.task_all([context.call_activity("double", i) for i in range(count)])
    return sum(results)


@bp.orchestration_trigger(context_name="context")
def with_retry(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    spec = context.get_input()
    options = df.RetryOptions(first_retry_interval_in_milliseconds=10, max_number_of_attempts=spec["attempts"])
    first = yield context.call_activity_with_retry("flaky", options, spec)
    hello = yield context.call_activity("sync_hello", "after-retry")
    return {"flaky": first, "hello": hello}


@bp.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    child_id = f"{context.instance_id}:child"
    child = yield context.call_sub_orchestrator("child", {"name": "kid"}, child_id)
    generated = yield context.call_sub_orchestrator("child", {"name": "anon"})
    return {"child": child, "generated": generated, "child_id": child_id}


@bp.orchestration_trigger(context_name="context")
def child(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    data = context.get_input()
    greeting = yield context.call_activity("sync_hello", data["name"])
    return {"greeting": greeting, "parent": context.parent_instance_id}


@bp.orchestration_trigger(context_name="context")
def flaky_child(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    result = yield context.call_activity("flaky", context.get_input())
    return result


@bp.orchestration_trigger(context_name="context")
def sub_retry_parent(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    options = df.RetryOptions(first_retry_interval_in_milliseconds=10, max_number_of_attempts=3)
    spec = {"key": context.instance_id, "fail_times": 2}
    result = yield context.call_sub_orchestrator_with_retry("flaky_child", options, spec, f"{context.instance_id}:c")
    after = yield context.call_activity("sync_hello", "after")
    return {"child": result, "after": after}


@bp.orchestration_trigger(context_name="context")
def http_caller(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    response = yield context.call_http("GET", context.get_input())
    return {"status": response["statusCode"], "content": response["content"]}


@bp.orchestration_trigger(context_name="context")
def failing_child_parent(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    try:
        yield context.call_sub_orchestrator("missing_orchestrator", None, f"{context.instance_id}:x")
    except Exception as exc:
        return f"caught: {exc}"
    return "no error"


@bp.orchestration_trigger(context_name="context")
def entity_orch(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    entity = df.EntityId("counter", context.get_input())
    context.signal_entity(entity, "add", 5)
    total = yield context.call_entity(entity, "add", 10)
    try:
        yield context.call_entity(entity, "boom")
        error = None
    except Exception as exc:
        error = str(exc)
    current = yield context.call_entity(entity, "get")
    return {"total": total, "current": current, "error": error}


@bp.orchestration_trigger(context_name="context")
def looper(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    state = context.get_input()
    value = yield context.call_activity("double", state["n"])
    context.set_custom_status({"generation": state["n"]})
    if state["n"] + 1 < state["limit"]:
        context.continue_as_new({"n": state["n"] + 1, "limit": state["limit"], "acc": state["acc"] + value})
        return None
    return state["acc"] + value


@bp.orchestration_trigger(context_name="context")
def sleeper(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    seconds = context.get_input()
    start = context.current_utc_datetime
    yield context.create_timer(start + dt.timedelta(seconds=seconds))
    return (context.current_utc_datetime - start).total_seconds()


@bp.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    context.set_custom_status("waiting-for-approval")
    timeout = context.create_timer(context.current_utc_datetime + dt.timedelta(hours=1))
    event = context.wait_for_external_event("Approve")
    winner = yield context.task_any([event, timeout])
    if winner == event:
        timeout.cancel()
        return {"approved_by": event.result}
    return "timed-out"


@bp.orchestration_trigger(context_name="context")
def nondeterministic(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    NONDETERMINISTIC_CALLS[context.instance_id] += 1
    name = "sync_hello" if NONDETERMINISTIC_CALLS[context.instance_id] == 1 else "double"
    yield context.call_activity(name, 1)
    yield context.call_activity("sync_hello", "again")
    return "unreachable"


@bp.orchestration_trigger(context_name="context")
def explode(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    context.set_custom_status("about to fail")
    yield context.call_activity("sync_hello", "x")
    raise ValueError("nope")


@bp.orchestration_trigger(context_name="context")
def rewindable(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    spec = context.get_input()
    first = yield context.call_activity("sync_hello", "before")
    fixed = yield context.call_activity("fail_unless_fixed", spec)
    return [first, fixed]


@bp.orchestration_trigger(context_name="context")
def retry_race(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    """The azure-functions-durable-python#603 pattern: new work while a retry task is unresolved."""
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=3)
    slow = context.call_activity_with_retry("flaky", options, {"key": context.instance_id, "fail_times": 1})
    fast = context.call_activity("sync_hello", "fast")
    yield context.task_any([slow, fast])
    extra = yield context.call_activity("sync_hello", "extra")
    return extra


@bp.orchestration_trigger(context_name="context")
def chaos(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    spec = context.get_input()
    tasks = [context.call_activity("recorded", {"i": i, "log": spec["log"], "sleep": spec["sleep"]})
             for i in range(spec["count"])]
    values = yield context.task_all(tasks)
    sub = yield context.call_sub_orchestrator("chaos_child", spec, f"{context.instance_id}:sub")
    return {"sum": sum(values), "sub": sub}


@bp.orchestration_trigger(context_name="context")
def chaos_child(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    spec = context.get_input()
    total = 0
    for i in range(spec["count"], spec["count"] + spec["chain"]):
        total += yield context.call_activity("recorded", {"i": i, "log": spec["log"], "sleep": spec["sleep"]})
    return total


# entity


@bp.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext) -> None:
    current = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        current += context.get_input()
        context.set_state(current)
        context.set_result(current)
    elif operation == "get":
        context.set_result(current)
    elif operation == "reset":
        context.set_state(0)
    elif operation == "boom":
        raise ValueError("counter exploded")


@bp.entity_trigger(context_name="context")
def journal(context: df.DurableEntityContext) -> None:
    entries = context.get_state(list)
    if context.operation_name == "append":
        entries.append(context.get_input())
        context.set_state(entries)


# timer trigger


@bp.timer_trigger(schedule="0 0 0 1 1 *", arg_name="timer", run_on_startup=False)
def yearly_tick(timer: func.TimerRequest) -> None:
    TICKS.append("yearly_tick")


app.register_functions(bp)
