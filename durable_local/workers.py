"""Invoking activities and entity batches the way the Functions worker does.

Activities get their input decoded like ``ActivityTriggerConverter.decode`` (``df_loads``, falling
back to the raw string) and their result encoded with ``df_dumps``; coroutine functions are awaited
on the host's loop, plain functions run in the host's thread pool. Entity operations go through the
registered ``Entity.create`` handler with the batch JSON the extension sends (durable-local-host.md §3.2).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from azure.functions._durable_functions import df_dumps, df_loads

from durable_local.discovery import FunctionSpec

HttpHandler = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class ActivityResult:
    """The outcome of one activity invocation, ready to become TaskCompleted or TaskFailed."""

    ok: bool
    result: str | None = None
    reason: str = ""
    details: str = ""


def decode_input(raw: str | None) -> Any:
    """Decode an activity input as the worker does (JSON first, the raw string as a fallback)."""
    if raw is None:
        return None
    try:
        return df_loads(raw)
    except json.JSONDecodeError:
        return raw


async def invoke_activity(spec: FunctionSpec | None, name: str, raw_input: str | None,
                          executor: Executor) -> ActivityResult:
    """Run one activity; a missing function fails immediately, as the extension does."""
    try:
        if spec is None:
            raise LookupError(f"The function '{name}' doesn't exist, is disabled, or is not an activity function.")
        kwargs = {spec.trigger_param: decode_input(raw_input)}
        if inspect.iscoroutinefunction(spec.handler):
            value = await spec.handler(**kwargs)
        else:
            loop = asyncio.get_running_loop()
            value = await loop.run_in_executor(executor, functools.partial(spec.handler, **kwargs))
            if inspect.isawaitable(value):
                value = await value
        return ActivityResult(ok=True, result=df_dumps(value))
    except Exception as exc:
        return ActivityResult(ok=False, reason=f"Activity function '{name}' failed: {type(exc).__name__}: {exc}",
                              details=traceback.format_exc(limit=5))


@dataclass(frozen=True)
class EntityRequest:
    """One operation for an entity batch; ``request_id`` keys the reply."""

    operation: str
    input: str | None
    signal: bool
    request_id: str


@dataclass(frozen=True)
class EntityBatchResult:
    """The entity's state after a batch and one ``{"result", ["exceptionType"]}`` reply per request."""

    exists: bool
    state: str | None
    replies: list[dict[str, Any]]


def run_entity_batch(spec: FunctionSpec | None, entity_id: str, exists: bool, state: str | None,
                     requests: list[EntityRequest]) -> EntityBatchResult:
    """Run a batch of operations against one entity through its registered handler."""
    name, _, key = entity_id[1:].partition("@")
    if spec is None:
        error = {"result": json.dumps(f"Entity function '{name}' does not exist."), "exceptionType": "LookupError"}
        return EntityBatchResult(exists, state, [dict(error) for _ in requests])
    body = {"self": {"name": name, "key": key}, "state": state, "exists": exists,
            # the extension JSON-encodes the already serialized input once more; null must be "null"
            "batch": [{"name": r.operation, "input": json.dumps(r.input if r.input is not None else "null"),
                       "isSignal": r.signal, "id": r.request_id} for r in requests]}
    try:
        out = json.loads(spec.handler(json.dumps(body)))
    except Exception as exc:  # the whole batch failed inside the SDK: state unchanged, every call errors
        error = {"result": json.dumps(f"{type(exc).__name__}: {exc}"), "exceptionType": type(exc).__name__}
        return EntityBatchResult(exists, state, [dict(error) for _ in requests])
    replies = []
    for result in out.get("results", []):
        reply: dict[str, Any] = {"result": result.get("result")}
        if result.get("isError"):
            reply["exceptionType"] = "Exception"
        replies.append(reply)
    new_exists = bool(out.get("entityExists"))
    return EntityBatchResult(new_exists, out.get("entityState") if new_exists else None, replies)
