"""``LocalDurableHost``: the local Durable host's public API, the operations of the Durable HTTP API.

Start, status, list, raise event, terminate, suspend/resume, rewind, restart, purge and entity
read/signal, each refusing bad requests with a ``HostError`` that carries Azure's HTTP status.
The runtime (dispatch, replay, persistence) is ``durable_local.engine.Engine``; ``durable_local.server``
exposes these methods over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from durable_local.engine import Engine
from durable_local.episode import ActivityWork, ChildStart, EntityOp
from durable_local.errors import (
    BadRequest,
    InstanceExists,
    InstanceGone,
    InstanceNotFound,
    NonDeterminismError,
    PreconditionFailed,
)
from durable_local.model import (
    ACTIVE,
    FAILED,
    PENDING,
    RUNNING,
    SUSPENDED,
    TERMINAL,
    TERMINATED,
    Instance,
    new_execution_id,
)
from durable_local.status import instance_status
from durable_local.wire import EVENT_RAISED, EXEC_FAILED, SUB_FAILED, TASK_FAILED, parse_ts

# the characters and length Azure Storage task hubs refuse in instance ids
_BAD_ID_CHARS = frozenset("/\\#?")
_MAX_ID = 100


class LocalDurableHost(Engine):
    """An in-process Durable Functions host for one v2 app.

    Args:
        app: a ``df.DFApp`` or ``func.FunctionApp`` whose functions are discovered.
        db_path: the SQLite file holding instances, histories, work, timers and entity state.
        host_json: the app's host.json (concurrency caps, hub name, route prefix), if any.
        fast_forward: jump the clock to the next durable timer whenever nothing else can run.
        coalesce_s: minimum wait before replaying an instance that still has work in flight, so that
            completions arriving together are delivered in one episode (as the extension batches).
        timer_triggers: run the app's timer triggers on their schedules.
        strict: make ``wait_for`` raise ``NonDeterminismError`` once any replay diverged (for tests).
        activity_overrides: scripted activities by registered name, replacing the app's functions.
    """

    def instance(self, instance_id: str) -> Instance:
        """The instance with this id (404 when unknown)."""
        inst = self.instances.get(instance_id)
        if inst is None:
            raise InstanceNotFound(f"No instance with ID '{instance_id}' found.")
        return inst

    def start_new(self, name: str, input_json: str | None = None, instance_id: str | None = None,
                  version: str = "") -> str:
        """Start an orchestration; ``input_json`` is the serialized input. Returns the instance id."""
        if name not in self.registry.orchestrators:
            raise BadRequest(f"The function '{name}' doesn't exist, is disabled, or is not an orchestrator function.")
        iid = instance_id or new_execution_id()
        if len(iid) > _MAX_ID or any(c in _BAD_ID_CHARS or ord(c) < 32 for c in iid):
            raise BadRequest("Instance IDs must be 1-100 characters without '/', '\\', '#', '?' or control characters.")
        with self.store.transaction():
            existing = self.instances.get(iid)
            if existing is not None:
                if existing.active:
                    raise InstanceExists(f"An orchestration instance with id '{iid}' already exists "
                                         f"and is {existing.status}.")
                self._purge(iid)
            stamp = self.clock.stamp()
            inst = Instance(id=iid, name=name, input=input_json, version=version, created=stamp, updated=stamp)
            self._register(inst)
            self.store.save_instance(inst)
        self.wake()
        return iid

    def raise_event(self, instance_id: str, event_name: str, data_json: str | None) -> None:
        """Deliver an external event (410 once the instance is terminal)."""
        inst = self.instance(instance_id)
        if not inst.active:
            raise InstanceGone(f"Instance with ID {instance_id} is gone: it is {inst.status}.")
        with self.store.transaction():
            self._deliver(inst, self._event(EVENT_RAISED, Name=event_name, Input=data_json))
        self.wake()

    def terminate(self, instance_id: str, reason: str) -> None:
        """Terminate a running instance; its parent sees the sub-orchestration fail."""
        inst = self.instance(instance_id)
        if not inst.active:
            raise InstanceGone(f"Instance with ID {instance_id} is already {inst.status}.")
        with self.store.transaction():
            self._finish(inst, TERMINATED, reason)
        self.wake()

    def suspend(self, instance_id: str, reason: str) -> None:
        """Stop replaying an instance until it is resumed; events keep queueing."""
        inst = self.instance(instance_id)
        if not inst.active:
            raise InstanceGone(f"Instance with ID {instance_id} is already {inst.status}.")
        inst.status = SUSPENDED
        inst.updated = self.clock.stamp()
        with self.store.transaction():
            self.store.save_instance(inst)

    def resume(self, instance_id: str, reason: str) -> None:
        """Resume a suspended instance."""
        inst = self.instance(instance_id)
        if not inst.active:
            raise InstanceGone(f"Instance with ID {instance_id} is already {inst.status}.")
        if inst.status == SUSPENDED:
            inst.status = RUNNING if inst.history else PENDING
            inst.updated = self.clock.stamp()
            self._dirty.add(inst.id)
            with self.store.transaction():
                self.store.save_instance(inst)
        self.wake()

    def rewind(self, instance_id: str, reason: str) -> None:
        """Failed -> Running: drop the failure events and re-run failed activities and sub-orchestrations."""
        inst = self.instance(instance_id)
        if inst.status != FAILED:
            raise PreconditionFailed(f"Instance {instance_id} is {inst.status}; only failed instances can be rewound.")
        failed = [e for e in inst.history if e["EventType"] in (TASK_FAILED, SUB_FAILED)]
        with self.store.transaction():
            inst.history = [e for e in inst.history if e["EventType"] not in (TASK_FAILED, SUB_FAILED, EXEC_FAILED)]
            self.store.replace_history(inst.id, inst.history)
            inst.status, inst.output, inst.kick = RUNNING, None, True
            self._dirty.add(inst.id)
            inst.updated = self.clock.stamp()
            self.store.save_instance(inst)
            for event in failed:
                self._redo(inst, event["TaskScheduledId"])
        self.wake()

    def _redo(self, inst: Instance, seq: int) -> None:
        meta = inst.meta.get(seq)
        if meta is None:
            return
        action = meta["action"] if "action" in meta else inst.meta[meta["owner"]]["action"]
        if "child" in meta:
            child = self.instances.get(meta["child"])
            if child is not None and child.status == FAILED:
                self.rewind(child.id, "parent rewound")
            else:
                self._start_child(inst, ChildStart(seq, action["functionName"], meta["child"], action.get("input"),
                                                   action.get("version") or ""))
        else:
            self._add_activity(inst, ActivityWork(seq, action.get("functionName", ""), action.get("input")))

    def restart(self, instance_id: str, new_instance_id: bool = True) -> str:
        """Start the orchestration again with its input, under a new id or (if terminal) the same one."""
        inst = self.instance(instance_id)
        return self.start_new(inst.name, inst.input, None if new_instance_id else instance_id, inst.version)

    def purge(self, instance_id: str) -> int:
        """Delete a terminal instance's history (412 while it is still active)."""
        inst = self.instance(instance_id)
        if inst.status not in TERMINAL:
            raise PreconditionFailed(f"Instance {instance_id} is {inst.status}; only terminal instances can be purged.")
        with self.store.transaction():
            self._purge(instance_id)
        return 1

    def purge_by(self, created_from: str | None, created_to: str | None, statuses: list[str] | None) -> int:
        """Delete every matching instance (terminal ones only unless statuses say otherwise)."""
        matches = [i.id for i in self.query(created_from, created_to, statuses or sorted(TERMINAL), None)]
        with self.store.transaction():
            for iid in matches:
                self._purge(iid)
        return len(matches)

    def query(self, created_from: str | None, created_to: str | None, statuses: list[str] | None,
              prefix: str | None) -> list[Instance]:
        """Instances matching the list filters, oldest first."""
        lo = parse_ts(created_from) if created_from else None
        hi = parse_ts(created_to) if created_to else None
        found = []
        for inst in self.instances.values():
            created = parse_ts(inst.created) if inst.created else None
            if statuses and inst.status not in statuses:
                continue
            if prefix and not inst.id.startswith(prefix):
                continue
            if created is not None and ((lo and created < lo) or (hi and created > hi)):
                continue
            found.append(inst)
        return sorted(found, key=lambda i: i.created)

    def get_status(self, instance_id: str, *, show_input: bool = True, show_history: bool = False,
                   show_history_output: bool = False) -> dict[str, Any] | None:
        """The status body, or None for an unknown id."""
        inst = self.instances.get(instance_id)
        if inst is None:
            return None
        return instance_status(inst, show_input=show_input, show_history=show_history,
                               show_history_output=show_history_output)

    def status(self, instance_id: str) -> dict[str, Any]:
        """The status body of a known instance (404 ``InstanceNotFound`` otherwise)."""
        return instance_status(self.instance(instance_id))

    def signal_entity(self, name: str, key: str, operation: str, input_json: str | None) -> None:
        """Queue a one-way entity operation (400 for an unknown entity name)."""
        if self.registry.entity(name) is None:
            raise BadRequest(f"The function '{name}' doesn't exist, is disabled, or is not an entity function.")
        request_id = new_execution_id()
        with self.store.transaction():
            self._add_entity_op(EntityOp(f"@{name.lower()}@{key}", operation, input_json, request_id, True), None)
        self.wake()

    def read_entity(self, name: str, key: str) -> str | None:
        """The entity's serialized state, or None when it does not exist."""
        exists, state, _ = self.entity_states.get(f"@{name.lower()}@{key}", (False, None, ""))
        return state if exists else None

    def list_entities(self, name: str | None = None) -> list[dict[str, Any]]:
        """Existing entities, optionally of one name."""
        out = []
        for entity_id, (exists, state, updated) in sorted(self.entity_states.items()):
            ename, _, key = entity_id[1:].partition("@")
            if exists and (name is None or ename == name.lower()):
                out.append({"entityId": {"name": ename, "key": key}, "lastOperationTime": updated,
                            "state": json.loads(state) if state else None})
        return out

    async def wait_for(self, instance_id: str, timeout: float = 30.0) -> dict[str, Any]:
        """Wait until the instance is terminal; returns its status (raises TimeoutError)."""
        assert self._changed is not None
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            inst = self.instance(instance_id)
            if self.strict and self.nondeterminism_errors:
                raise NonDeterminismError(self.nondeterminism_errors[0])
            if inst.status in TERMINAL:
                return instance_status(inst)
            remaining = end - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"instance {instance_id} is still {inst.status}")
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))

    def is_active(self, instance_id: str) -> bool:
        """Whether the instance exists and is not terminal."""
        inst = self.instances.get(instance_id)
        return inst is not None and inst.status in ACTIVE
