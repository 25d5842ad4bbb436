"""One orchestrator episode: history JSON -> the SDK's own handler -> new actions -> effects.

``run_episode`` mutates the ``Instance`` (history, seen actions, sequence counter, per-sequence
metadata) and returns ``Effects`` for the host to persist and execute. It mirrors the SDK's sequence
numbering exactly, including the retry timers and re-attempts that never appear in the action list
(durable-local-host.md §2.4): an episode delivers at most one retry-allocating event, and only at
the head of its batch, so that the host allocates numbers in the order the SDK does on replay.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from durable_local.clock import HostClock
from durable_local.model import Instance
from durable_local.wire import (
    A_ACT_RETRY,
    A_CALL_ENT,
    A_CAN,
    A_HTTP,
    A_SIG_ENT,
    A_TIMER,
    A_WAIT,
    ACTIVITY_KINDS,
    EVENT_SENT,
    EXEC_STARTED,
    HTTP_ACTIVITY,
    LONG_TIMER_INTERVAL,
    MAX_SHORT_TIMER,
    ORCH_COMPLETED,
    ORCH_STARTED,
    RETRY_KINDS,
    SCHEMA_VERSION,
    SCHEMA_VERSION_NEW,
    SUB_COMPLETED,
    SUB_CREATED,
    SUB_FAILED,
    SUB_KINDS,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_SCHEDULED,
    TIMER_CREATED,
    TIMER_FIRED,
    Action,
    Event,
    canon,
    flatten,
    format_ts,
    split_failure,
)

RETRY_TIMER = "retry_timer"


@dataclass(frozen=True)
class ActivityWork:
    """An activity (or built-in HTTP call) to invoke for sequence number ``seq``."""

    seq: int
    name: str
    input: str | None
    http: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChildStart:
    """A sub-orchestration to start for sequence number ``seq``."""

    seq: int
    name: str
    instance_id: str
    input: str | None
    version: str


@dataclass(frozen=True)
class EntityOp:
    """An entity operation; ``signal`` operations get no reply."""

    entity_id: str
    operation: str
    input: str | None
    request_id: str
    signal: bool


@dataclass
class Effects:
    """What an episode asks the host to persist and do."""

    consumed: list[int] = field(default_factory=list)
    new_events: list[Event] = field(default_factory=list)
    activities: list[ActivityWork] = field(default_factory=list)
    children: list[ChildStart] = field(default_factory=list)
    timers: list[tuple[str, int]] = field(default_factory=list)
    canceled_timers: list[int] = field(default_factory=list)
    entity_ops: list[EntityOp] = field(default_factory=list)
    outcome: str | None = None
    output: Any = None
    continue_input: str | None = None
    nondeterminism: str | None = None
    warnings: list[str] = field(default_factory=list)


def _ev(clock: HostClock, etype: int, **fields: Any) -> Event:
    return {"EventType": etype, "EventId": -1, "IsPlayed": False, "Timestamp": clock.stamp(), **fields}


def owner_of(inst: Instance, seq: int) -> dict[str, Any]:
    """The metadata of the task a sequence number belongs to (retry attempts and timers share one)."""
    meta = inst.meta[seq]
    return inst.meta[meta["owner"]] if "owner" in meta else meta


def is_allocating(inst: Instance, event: Event) -> bool:
    """Whether delivering ``event`` makes the SDK allocate a sequence number (retry internals)."""
    etype = event["EventType"]
    if etype in (TASK_FAILED, SUB_FAILED):
        meta = inst.meta.get(event.get("TaskScheduledId", -1))
        return meta is not None and owner_of(inst, event["TaskScheduledId"])["kind"] in RETRY_KINDS
    if etype == TIMER_FIRED:
        return inst.meta.get(event.get("TimerId", -1), {}).get("kind") == RETRY_TIMER
    return False


def take_batch(inst: Instance) -> list[tuple[int, Event]]:
    """All pending events, except that an allocating one must come first and alone among its kind."""
    batch: list[tuple[int, Event]] = []
    while inst.inbox:
        if batch and is_allocating(inst, inst.inbox[0][1]):
            break
        batch.append(inst.inbox.popleft())
    return batch


def _retry_exhausted(owner: dict[str, Any]) -> bool:
    return bool(owner["attempt"] >= owner["action"]["retryOptions"]["maxNumberOfAttempts"])


def _mark_resolved(inst: Instance, events: list[Event]) -> None:
    """Bookkeeping for the #603 lint: which retry tasks have settled."""
    for event in events:
        etype = event["EventType"]
        if etype in (TASK_COMPLETED, SUB_COMPLETED) and event.get("TaskScheduledId") in inst.meta:
            owner_of(inst, event["TaskScheduledId"])["done"] = True
        elif etype == TIMER_FIRED and inst.meta.get(event.get("TimerId", -1), {}).get("kind") == RETRY_TIMER:
            owner = owner_of(inst, event["TimerId"])
            if _retry_exhausted(owner):
                owner["done"] = True


def _unresolved_retry(inst: Instance) -> bool:
    return any(m.get("kind") in RETRY_KINDS and "owner" not in m and not m.get("done")
               and m.get("episode", inst.episodes) < inst.episodes for m in inst.meta.values())


class Episode:
    """Runs one episode of ``inst`` through ``handler``; see the module docstring."""

    def __init__(self, inst: Instance, handler: Callable[[str], str], clock: HostClock) -> None:
        self.inst = inst
        self.handler = handler
        self.clock = clock
        self.effects = Effects()
        self.out: list[Event] = []

    def run(self) -> Effects:
        """Execute the episode and return its effects."""
        inst, eff = self.inst, self.effects
        inst.episodes += 1
        inst.kick = False
        batch = take_batch(inst)
        eff.consumed = [row for row, _ in batch]
        events = [e for _, e in batch]
        new = [_ev(self.clock, ORCH_STARTED)]
        if not inst.history:
            new.append(_ev(self.clock, EXEC_STARTED, Name=inst.name, Version=inst.version, Input=inst.input,
                           OrchestrationInstance={"InstanceId": inst.id, "ExecutionId": inst.execution_id}))
        new += events
        state, error = self._call_handler(inst.history + new)
        _mark_resolved(inst, events)
        retry_pending = _unresolved_retry(inst)
        if events and is_allocating(inst, events[0]):
            self._retry_bookkeeping(events[0])
        flat = list(flatten(state.get("actions") or []))
        eff.nondeterminism = self._check_determinism(flat)
        continue_action = None
        if error is None and eff.nondeterminism is None:
            continue_action = self._schedule_new(flat, retry_pending)
        committed = [*new, *self.out, _ev(self.clock, ORCH_COMPLETED)]
        for event in committed:
            event["IsPlayed"] = True
        inst.history.extend(committed)
        eff.new_events = committed
        if "customStatus" in state:
            inst.custom_status = state["customStatus"]
        self._decide_outcome(state, error, continue_action)
        return eff

    def _call_handler(self, history: list[Event]) -> tuple[dict[str, Any], str | None]:
        inst = self.inst
        payload = {"history": history, "input": inst.input, "instanceId": inst.id,
                   "isReplaying": bool(inst.history), "parentInstanceId": inst.parent_id,
                   "upperSchemaVersion": SCHEMA_VERSION, "upperSchemaVersionNew": SCHEMA_VERSION_NEW,
                   "maximumShortTimerDuration": MAX_SHORT_TIMER,
                   "longRunningTimerIntervalDuration": LONG_TIMER_INTERVAL}
        try:
            return json.loads(self.handler(json.dumps(payload))), None
        except Exception as exc:  # the SDK reports user failures as "<msg>\n\n$OutOfProcData$:<state>"
            message, state = split_failure(exc)
            return state, message

    def _check_determinism(self, flat: list[Action]) -> str | None:
        inst = self.inst
        for i, (old, cur) in enumerate(zip(inst.actions, flat, strict=False)):
            if canon(old) != canon(cur):
                return (f"Non-Deterministic workflow detected: action #{i} of '{inst.name}' was "
                        f"{json.dumps(canon(old))}, the replay produced {json.dumps(canon(cur))}")
            seq = inst.action_seq[i]
            if (cur["actionType"] == A_TIMER and cur.get("isCanceled") and seq is not None
                    and not inst.meta[seq].get("canceled")):
                    inst.meta[seq]["canceled"] = True
                    self.effects.canceled_timers.append(seq)
        return None

    def _schedule_new(self, flat: list[Action], retry_pending: bool) -> Action | None:
        inst = self.inst
        fresh = flat[len(inst.actions):]
        if retry_pending and any(a["actionType"] != A_WAIT for a in fresh):
            message = (f"{inst.id}: new work scheduled while an earlier *_with_retry task is unresolved; "
                       "this pattern can hang on the real 1.x extension (azure-functions-durable-python#603)")
            self.effects.warnings.append(message)
        for action in fresh:
            inst.actions.append(action)
            inst.action_seq.append(self._schedule(action))
            if action["actionType"] == A_CAN:
                return action
        return None

    def _schedule(self, action: Action) -> int | None:
        inst, eff, kind = self.inst, self.effects, action["actionType"]
        if kind == A_WAIT:  # external events are keyed by name and take no sequence number
            return None
        seq = inst.next_seq
        inst.next_seq += 1
        meta = inst.meta[seq] = {"kind": kind, "action": action, "attempt": 1, "episode": inst.episodes}
        if kind in ACTIVITY_KINDS:
            self._schedule_activity(seq, action)
        elif kind in SUB_KINDS:
            meta["child"] = self._schedule_child(seq, action)
        elif kind == A_TIMER:
            self.out.append(_ev(self.clock, TIMER_CREATED, EventId=seq, FireAt=action["fireAt"]))
            eff.timers.append((action["fireAt"], seq))
        elif kind in (A_CALL_ENT, A_SIG_ENT):
            request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{inst.id}/{inst.execution_id}/{seq}"))
            message = {"id": request_id, "op": action["operation"], "signal": kind == A_SIG_ENT,
                       "input": action.get("input"), "parent": inst.id,
                       "timestamp": format_ts(self.clock.now())}
            self.out.append(_ev(self.clock, EVENT_SENT, EventId=seq, Name="op", InstanceId=action["instanceId"],
                                Input=json.dumps(message)))
            eff.entity_ops.append(EntityOp(action["instanceId"], action["operation"], action.get("input"),
                                           request_id, kind == A_SIG_ENT))
        return seq  # continue-as-new also consumes a number in the SDK

    def _schedule_activity(self, seq: int, action: Action) -> None:
        if action["actionType"] == A_HTTP:
            name: str = HTTP_ACTIVITY
            payload: str | None = json.dumps(action["httpRequest"])
            work = ActivityWork(seq, name, payload, http=action["httpRequest"])
        else:
            name, payload = str(action["functionName"]), action.get("input")
            work = ActivityWork(seq, name, payload)
        self.out.append(_ev(self.clock, TASK_SCHEDULED, EventId=seq, Name=name, Version="", Input=payload))
        self.effects.activities.append(work)

    def _schedule_child(self, seq: int, action: Action) -> str:
        child = action.get("instanceId") or f"{self.inst.id}:{seq}"
        version = action.get("version") or ""
        self.out.append(_ev(self.clock, SUB_CREATED, EventId=seq, Name=action["functionName"], InstanceId=child,
                            Input=action.get("input"), Version=version))
        self.effects.children.append(ChildStart(seq, action["functionName"], child, action.get("input"), version))
        return str(child)

    def _retry_bookkeeping(self, event: Event) -> None:
        """Mirror DTFx's RetryInterceptor / the SDK's RetryAbleTask: failure -> timer -> re-attempt."""
        inst = self.inst
        if event["EventType"] in (TASK_FAILED, SUB_FAILED):
            failed = int(event["TaskScheduledId"])
            owner_seq = int(inst.meta[failed].get("owner", failed))
            owner = inst.meta[owner_seq]
            timer_seq = inst.next_seq
            inst.next_seq += 1
            delay = dt.timedelta(milliseconds=owner["action"]["retryOptions"]["firstRetryIntervalInMilliseconds"])
            fire_at = format_ts(self.clock.now() + delay)
            inst.meta[timer_seq] = {"kind": RETRY_TIMER, "owner": owner_seq}
            self.out.append(_ev(self.clock, TIMER_CREATED, EventId=timer_seq, FireAt=fire_at))
            self.effects.timers.append((fire_at, timer_seq))
            return
        owner_seq = inst.meta[event["TimerId"]]["owner"]
        owner = inst.meta[owner_seq]
        if _retry_exhausted(owner):
            return  # the SDK now fails the task with the last error
        owner["attempt"] += 1
        seq = inst.next_seq
        inst.next_seq += 1
        inst.meta[seq] = {"kind": owner["kind"], "owner": owner_seq}
        if owner["kind"] == A_ACT_RETRY:
            self._schedule_activity(seq, owner["action"])
        else:
            inst.meta[seq]["child"] = self._schedule_child(seq, owner["action"])

    def _decide_outcome(self, state: dict[str, Any], error: str | None, continue_action: Action | None) -> None:
        eff, inst = self.effects, self.inst
        if eff.nondeterminism is not None:
            eff.outcome, eff.output = "Failed", eff.nondeterminism
        elif error is not None:
            eff.outcome, eff.output = "Failed", f"Orchestrator function '{inst.name}' failed: {error}"
        elif continue_action is not None:
            eff.outcome, eff.continue_input = "ContinuedAsNew", continue_action.get("input")
        elif state.get("isDone"):
            eff.outcome, eff.output = "Completed", state.get("output")
