"""The runtime of the local Durable host: one asyncio loop driving a v2 app, persisted in SQLite.

The engine drives the app's registered orchestrators through the SDK's own handler (``Episode``),
invokes activities concurrently (coroutines as tasks, plain functions in a thread pool, capped by
host.json), runs entity operations in order per entity, fires durable timers in real time (or jumps
the clock when ``fast_forward`` is on and nothing else can run), and commits every state change in
one SQLite transaction so that a killed process resumes where it stopped. The public methods are the
management operations live in ``durable_local.host`` (``LocalDurableHost`` extends this class).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import inspect
import itertools
import json
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

import aiohttp

from durable_local.clock import HostClock
from durable_local.discovery import FunctionSpec, Registry, discover
from durable_local.episode import ActivityWork, ChildStart, Effects, EntityOp, Episode
from durable_local.errors import (
    RetryHangWarning,
)
from durable_local.hostjson import HostSettings
from durable_local.model import (
    COMPLETED,
    FAILED,
    PENDING,
    RUNNING,
    TERMINATED,
    Instance,
)
from durable_local.status import client_binding
from durable_local.store import Store, TimerRow, WorkRow
from durable_local.triggers import TimerTriggers
from durable_local.wire import (
    EVENT_RAISED,
    EXEC_COMPLETED,
    EXEC_FAILED,
    EXEC_TERMINATED,
    SUB_COMPLETED,
    SUB_FAILED,
    TASK_COMPLETED,
    TASK_FAILED,
    TIMER_FIRED,
    Event,
    consume_codec_advisory,
    install_fast_datetime_parsing,
    parse_ts,
)
from durable_local.workers import EntityRequest, invoke_activity, run_entity_batch

log = logging.getLogger(__name__)

_ENTITY_BATCH = 50


class Engine:
    """The runtime half of the local host: state, dispatch, episodes, activities, entities, timers.

    The constructor arguments are documented on ``LocalDurableHost``, the class to instantiate.
    """

    def __init__(self, app: Any, *, db_path: Path, host_json: Path | None = None, fast_forward: bool = False,
                 coalesce_s: float = 0.002, timer_triggers: bool = False, strict: bool = False,
                 activity_overrides: Mapping[str, Callable[..., Any]] | None = None) -> None:
        install_fast_datetime_parsing()
        consume_codec_advisory()
        self.registry: Registry = discover(app)
        self.strict = strict
        for name, fn in (activity_overrides or {}).items():
            self._override_activity(name, fn)
        self.settings = HostSettings.load(host_json)
        self.store = Store(db_path)
        self.clock = HostClock()
        self.fast_forward = fast_forward
        self.coalesce_s = coalesce_s
        self.base_url = "http://127.0.0.1:7071"
        self.instances: dict[str, Instance] = {}
        self.entity_states: dict[str, tuple[bool, str | None, str]] = {}
        self.warnings: list[str] = []
        self.nondeterminism_errors: list[str] = []
        self.episode_count = 0
        self._pending: deque[WorkRow] = deque()
        self._entity_queues: dict[str, deque[WorkRow]] = {}
        self._running: dict[int, asyncio.Task[None]] = {}
        self._completions: list[tuple[WorkRow, Event]] = []
        self._outstanding: dict[str, int] = {}
        self._timers: list[tuple[str, int, TimerRow]] = []
        self._timer_ids: dict[tuple[str, str, int], int] = {}
        self._episode_cost: dict[str, float] = {}
        self._dirty: set[str] = set()
        self.executor = ThreadPoolExecutor(max_workers=self.settings.max_activities,
                                            thread_name_prefix="activity")
        self._wake: asyncio.Event | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._changed: asyncio.Condition | None = None
        self._tie = itertools.count()
        self.timer_triggers = TimerTriggers(self.registry.timers, self.client_binding, self.executor)
        self._run_timer_triggers = timer_triggers

    # lifecycle

    async def start(self) -> None:
        """Load the database, re-queue unfinished work, and start dispatching."""
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()
        self._load()
        self._loop_task = asyncio.create_task(self._dispatch(), name="durable-local-dispatch")
        if self._run_timer_triggers:
            self.timer_triggers.start()

    async def stop(self) -> None:
        """Stop dispatching; in-flight activities are cancelled and re-run on the next start."""
        await self.timer_triggers.stop()
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.store.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _load(self) -> None:
        for inst in self.store.load_instances():
            self._register(inst)
            if inst.history:
                self.clock.observe(parse_ts(inst.history[-1]["Timestamp"]))
        self.entity_states = self.store.load_entities()
        for row in self.store.load_work():
            self._enqueue(row)
        for timer in self.store.load_timers():
            self._push_timer(timer)
        log.info("loaded %d instances, %d pending work items, %d timers", len(self.instances),
                 len(self._pending), len(self._timers))

    def _enqueue(self, row: WorkRow) -> None:
        if row.kind == "entity":
            self._entity_queues.setdefault(row.payload["entity_id"], deque()).append(row)
            if row.payload.get("reply_to"):
                self._track(row.payload["reply_to"], 1)
        else:
            self._pending.append(row)
            if row.instance_id:
                self._track(row.instance_id, 1)

    def _track(self, instance_id: str, delta: int) -> None:
        self._outstanding[instance_id] = self._outstanding.get(instance_id, 0) + delta

    def _push_timer(self, timer: TimerRow) -> None:
        heapq.heappush(self._timers, (timer.fire_at, next(self._tie), timer))
        self._timer_ids[(timer.instance_id, timer.execution_id, timer.seq)] = timer.id

    def _override_activity(self, name: str, fn: Callable[..., Any]) -> None:
        """Serve a scripted result for a registered activity ("mock by name", style rule 23)."""
        if name not in self.registry.activities:
            raise ValueError(f"cannot override unknown activity '{name}'")
        param = next(iter(inspect.signature(fn).parameters))
        self.registry.activities[name] = FunctionSpec(name=name, kind="activityTrigger", handler=fn,
                                                      trigger_param=param)

    def wake(self) -> None:
        """Ask the dispatcher to look for work."""
        if self._wake is not None:
            self._wake.set()

    # dispatcher

    async def _dispatch(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                progressed, deadline = self._step()
            except Exception:
                log.exception("durable host step failed")
                progressed, deadline = False, 0.05
            if progressed:
                await self._notify_changed()
                await asyncio.sleep(0)
                continue
            idle = not self._running and not self._completions and deadline is None
            if self.fast_forward and idle and self._jump_to_next_timer():
                continue
            timeout = deadline
            if self._timers:
                due = (parse_ts(self._timers[0][0]) - self.clock.now()).total_seconds()
                timeout = due if timeout is None else min(timeout, due)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=None if timeout is None else max(timeout, 0))

    async def _notify_changed(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    def _step(self) -> tuple[bool, float | None]:
        progressed = self._flush_completions()
        progressed = self._fire_due_timers() or progressed
        # refill free activity slots before replaying, so I/O keeps flowing while the loop replays
        progressed = self._start_work() or progressed
        ran, deadline = self._run_ready_episodes()
        progressed = ran or progressed
        progressed = self._start_work() or progressed
        return progressed, deadline

    def _jump_to_next_timer(self) -> bool:
        while self._timers:
            fire_at, _, timer = self._timers[0]
            if self._timer_live(timer):
                self.clock.advance_to(parse_ts(fire_at))
                return True
            heapq.heappop(self._timers)
        return False

    def _timer_live(self, timer: TimerRow) -> bool:
        inst = self.instances.get(timer.instance_id)
        if inst is None or not inst.active or inst.execution_id != timer.execution_id:
            return False
        return not inst.meta.get(timer.seq, {}).get("canceled")

    def _flush_completions(self) -> bool:
        if not self._completions:
            return False
        done, self._completions = self._completions, []
        with self.store.transaction():
            for row, event in done:
                self.store.delete_work([row.id])
                if row.instance_id:
                    self._track(row.instance_id, -1)
                inst = self.instances.get(row.instance_id or "")
                if inst is not None and inst.active and inst.execution_id == row.payload.get("execution_id"):
                    self._deliver(inst, event)
        return True

    def _register(self, inst: Instance) -> None:
        """Add or replace an instance in memory and consider it for the next dispatch round."""
        self.instances[inst.id] = inst
        self._dirty.add(inst.id)

    def _deliver(self, inst: Instance, event: Event) -> None:
        row_id = self.store.add_inbox(inst.id, event)
        inst.inbox.append((row_id, event))
        self._dirty.add(inst.id)
        if inst.first_pending_at is None:
            inst.first_pending_at = time.monotonic()

    def _event(self, etype: int, **fields: Any) -> Event:
        return {"EventType": etype, "EventId": -1, "IsPlayed": False, "Timestamp": self.clock.stamp(), **fields}

    def _fire_due_timers(self) -> bool:
        fired = False
        now = self.clock.now()
        while self._timers and parse_ts(self._timers[0][0]) <= now:
            fire_at, _, timer = heapq.heappop(self._timers)
            self._timer_ids.pop((timer.instance_id, timer.execution_id, timer.seq), None)
            with self.store.transaction():
                self.store.delete_timer(timer.id)
                if self._timer_live(timer):
                    self._deliver(self.instances[timer.instance_id],
                                  self._event(TIMER_FIRED, TimerId=timer.seq, FireAt=fire_at))
            fired = True
        return fired

    def _run_ready_episodes(self) -> tuple[bool, float | None]:
        ran = 0
        deadline: float | None = None
        now = time.monotonic()
        for iid in list(self._dirty):
            inst = self.instances.get(iid)
            if inst is None or not inst.ready():
                self._dirty.discard(iid)
                continue
            if ran >= self.settings.max_orchestrators:
                return True, 0.0
            if self._outstanding.get(inst.id, 0) > 0 and inst.first_pending_at is not None and not inst.kick:
                # more completions are on their way: wait a little so one replay covers them
                window = max(self.coalesce_s, 2 * self._episode_cost.get(inst.id, 0.0))
                due = inst.first_pending_at + window - now
                if due > 0:
                    deadline = due if deadline is None else min(deadline, due)
                    continue
            self._dirty.discard(iid)
            self._run_episode(inst)
            ran += 1
            if self.instances.get(iid) is not None and self.instances[iid].ready():
                self._dirty.add(iid)  # events held back by the one-allocating-event rule
        return ran > 0, deadline

    def _run_episode(self, inst: Instance) -> None:
        spec = self.registry.orchestrators.get(inst.name)
        started = time.perf_counter()
        start_pos = len(inst.history)
        inst.first_pending_at = None
        try:
            with self.store.transaction():
                if spec is None:
                    self._finish(inst, FAILED, f"The orchestrator function '{inst.name}' doesn't exist.")
                    return
                if not inst.history and not inst.created:
                    inst.created = self.clock.stamp()
                effects = Episode(inst, spec.handler, self.clock).run()
                self._apply(inst, effects, start_pos)
        except Exception as exc:  # a host-side failure must not wedge the instance or the dispatcher
            log.exception("episode of %s failed inside the host", inst.id)
            with self.store.transaction():
                del inst.history[start_pos:]
                self._finish(inst, FAILED, f"Local host error while replaying '{inst.name}': {exc}")
        self.episode_count += 1
        self._episode_cost[inst.id] = time.perf_counter() - started

    def _apply(self, inst: Instance, eff: Effects, start_pos: int) -> None:
        self.store.delete_inbox(eff.consumed)
        self.store.append_history(inst.id, start_pos, eff.new_events)
        for message in eff.warnings:
            self._warn(message)
        for work in eff.activities:
            self._add_activity(inst, work)
        for child in eff.children:
            self._start_child(inst, child)
        for fire_at, seq in eff.timers:
            timer_id = self.store.add_timer(inst.id, inst.execution_id, seq, fire_at)
            self._push_timer(TimerRow(timer_id, inst.id, inst.execution_id, seq, fire_at))
        for seq in eff.canceled_timers:
            key = (inst.id, inst.execution_id, seq)
            if key in self._timer_ids:
                self.store.delete_timer(self._timer_ids.pop(key))
        for op in eff.entity_ops:
            self._add_entity_op(op, None if op.signal else inst)
        inst.updated = self.clock.stamp()
        if eff.nondeterminism is not None:
            self.nondeterminism_errors.append(eff.nondeterminism)
            log.error("%s: %s", inst.id, eff.nondeterminism)
        if eff.outcome in (COMPLETED, FAILED):
            self._finish(inst, eff.outcome, eff.output)
        elif eff.outcome == "ContinuedAsNew":
            self._continue_as_new(inst, eff.continue_input)
        else:
            if inst.status == PENDING:
                inst.status = RUNNING
            self.store.save_instance(inst)

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)
        # warnings-as-errors must not stop the dispatcher; tests read host.warnings
        with contextlib.suppress(RetryHangWarning):
            warnings.warn(message, RetryHangWarning, stacklevel=2)

    def _add_activity(self, inst: Instance, work: ActivityWork) -> None:
        payload = {"seq": work.seq, "name": work.name, "input": work.input, "http": work.http,
                   "execution_id": inst.execution_id}
        row_id = self.store.add_work("activity", inst.id, payload)
        self._enqueue(WorkRow(row_id, "activity", inst.id, payload))

    def _add_entity_op(self, op: EntityOp, reply_to: Instance | None) -> None:
        payload = {"entity_id": op.entity_id, "operation": op.operation, "input": op.input,
                   "signal": op.signal, "request_id": op.request_id,
                   "reply_to": reply_to.id if reply_to else None,
                   "execution_id": reply_to.execution_id if reply_to else None}
        row_id = self.store.add_work("entity", reply_to.id if reply_to else None, payload)
        self._enqueue(WorkRow(row_id, "entity", reply_to.id if reply_to else None, payload))

    def _start_child(self, parent: Instance, child: ChildStart) -> None:
        reason = None
        existing = self.instances.get(child.instance_id)
        if child.name not in self.registry.orchestrators:
            reason = f"The orchestrator function '{child.name}' doesn't exist, is disabled, or is not an orchestrator."
        elif existing is not None and existing.active:
            reason = f"An orchestration instance with id '{child.instance_id}' already exists and is {existing.status}."
        if reason is not None:
            self._deliver(parent, self._event(SUB_FAILED, TaskScheduledId=child.seq, Reason=reason, Details=None))
            return
        if existing is not None:
            self._purge(existing.id)
        inst = Instance(id=child.instance_id, name=child.name, input=child.input, parent_id=parent.id,
                        parent_seq=child.seq, version=child.version, created=self.clock.stamp())
        inst.updated = inst.created
        inst.meta = {}
        self._register(inst)
        self.store.save_instance(inst)

    def _finish(self, inst: Instance, status: str, output: Any) -> None:
        inst.status, inst.output = status, output
        inst.updated = self.clock.stamp()
        etype = {COMPLETED: EXEC_COMPLETED, FAILED: EXEC_FAILED, TERMINATED: EXEC_TERMINATED}[status]
        field = "Input" if status == TERMINATED else "Result"
        final = self._event(etype, OrchestrationStatus=status, **{field: json.dumps(output)})
        final["IsPlayed"] = True
        self.store.append_history(inst.id, len(inst.history), [final])
        inst.history.append(final)
        inst.inbox.clear()
        self.store.clear_pending(inst.id)
        self.store.save_instance(inst)
        parent = self.instances.get(inst.parent_id or "")
        if parent is not None and parent.active and inst.parent_seq is not None:
            if status == COMPLETED:
                event = self._event(SUB_COMPLETED, TaskScheduledId=inst.parent_seq, Result=json.dumps(output))
            else:
                event = self._event(SUB_FAILED, TaskScheduledId=inst.parent_seq, Reason=str(output), Details=None)
            self._deliver(parent, event)

    def _continue_as_new(self, inst: Instance, new_input: str | None) -> None:
        # the 1.x shim calls ContinueAsNew(input): unprocessed events are dropped, numbering restarts
        fresh = Instance(id=inst.id, name=inst.name, input=new_input, parent_id=inst.parent_id,
                         parent_seq=inst.parent_seq, version=inst.version, status=RUNNING,
                         custom_status=inst.custom_status, created=inst.created, updated=self.clock.stamp())
        self._register(fresh)
        self.store.replace_history(inst.id, [])
        self.store.clear_pending(inst.id)
        self.store.save_instance(fresh)

    def _start_work(self) -> bool:
        started = False
        while self._pending and len(self._running) < self.settings.max_activities:
            row = self._pending.popleft()
            self._running[row.id] = asyncio.create_task(self._run_activity(row))
            started = True
        for entity_id in [e for e, q in self._entity_queues.items() if q]:
            self._run_entity(entity_id)
            started = True
        return started

    async def _run_activity(self, row: WorkRow) -> None:
        payload = row.payload
        seq = payload["seq"]
        try:
            inst = self.instances.get(row.instance_id or "")
            if inst is None or not inst.active or inst.execution_id != payload.get("execution_id"):
                event = self._event(TASK_FAILED, TaskScheduledId=seq, Reason="instance no longer running")
            elif payload.get("http") is not None:
                event = await self._call_http(seq, payload["http"])
            else:
                spec = self.registry.activities.get(payload["name"])
                result = await invoke_activity(spec, payload["name"], payload["input"], self.executor)
                if result.ok:
                    event = self._event(TASK_COMPLETED, TaskScheduledId=seq, Result=result.result)
                else:
                    event = self._event(TASK_FAILED, TaskScheduledId=seq, Reason=result.reason,
                                        Details=result.details)
            self._completions.append((row, event))
        finally:
            self._running.pop(row.id, None)
            self.wake()

    async def _call_http(self, seq: int, request: dict[str, Any]) -> Event:
        """The built-in ``call_http`` activity: a real request, answered as the extension shapes it."""
        try:
            async with aiohttp.ClientSession() as session, session.request(
                    request.get("method", "GET"), request["uri"], data=request.get("content"),
                    headers=request.get("headers") or {}) as response:
                body = await response.text()
                result = {"statusCode": response.status, "headers": dict(response.headers), "content": body}
            return self._event(TASK_COMPLETED, TaskScheduledId=seq, Result=json.dumps(result))
        except (aiohttp.ClientError, TimeoutError) as exc:
            return self._event(TASK_FAILED, TaskScheduledId=seq, Reason=f"HTTP call failed: {exc}", Details=None)

    def _run_entity(self, entity_id: str) -> None:
        queue = self._entity_queues[entity_id]
        rows = [queue.popleft() for _ in range(min(_ENTITY_BATCH, len(queue)))]
        exists, state, _ = self.entity_states.get(entity_id, (False, None, ""))
        requests = [EntityRequest(r.payload["operation"], r.payload["input"], r.payload["signal"],
                                  r.payload["request_id"]) for r in rows]
        result = run_entity_batch(self.registry.entity(entity_id[1:].partition("@")[0]), entity_id, exists,
                                  state, requests)
        stamp = self.clock.stamp()
        with self.store.transaction():
            self.entity_states[entity_id] = (result.exists, result.state, stamp)
            self.store.save_entity(entity_id, result.exists, result.state, stamp)
            self.store.delete_work([r.id for r in rows])
            for row, reply in zip(rows, result.replies, strict=False):
                target = row.payload.get("reply_to")
                if not target:
                    continue
                self._track(target, -1)
                inst = self.instances.get(target)
                if inst is not None and inst.active and inst.execution_id == row.payload.get("execution_id"):
                    self._deliver(inst, self._event(EVENT_RAISED, Name=row.payload["request_id"],
                                                    Input=json.dumps(reply)))

    def client_binding(self) -> str:
        """The ``durableClient`` binding JSON pointing at this host's server."""
        return client_binding(self.base_url, self.settings.hub_name)

    def _purge(self, instance_id: str) -> None:
        self.instances.pop(instance_id, None)
        self._episode_cost.pop(instance_id, None)
        self.store.delete_instance(instance_id)
