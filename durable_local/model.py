"""In-memory shape of one orchestration instance and the runtime statuses the Durable API reports.

An ``Instance`` is the host's bookkeeping for the *current execution* of an orchestration: its
committed history, the inbox of events not yet shown to the orchestrator, the actions already seen
(for the determinism check) and per-sequence-number metadata of everything it scheduled. It
round-trips through ``to_state``/``from_state`` so the SQLite store can persist it.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from durable_local.wire import Action, Event

RUNNING, PENDING, COMPLETED, FAILED = "Running", "Pending", "Completed", "Failed"
TERMINATED, SUSPENDED, CONTINUED_AS_NEW, CANCELED = "Terminated", "Suspended", "ContinuedAsNew", "Canceled"
ACTIVE = frozenset({PENDING, RUNNING, SUSPENDED})
TERMINAL = frozenset({COMPLETED, FAILED, TERMINATED, CANCELED})
ALL_STATUSES = (RUNNING, PENDING, COMPLETED, FAILED, TERMINATED, SUSPENDED, CONTINUED_AS_NEW, CANCELED)


def new_execution_id() -> str:
    """A fresh execution id (one per start, restart and continue-as-new generation)."""
    return uuid.uuid4().hex


@dataclass
class Instance:
    """One orchestration instance; ``inbox`` holds ``(store row id, event)`` pairs not yet replayed."""

    id: str
    name: str
    input: str | None
    parent_id: str | None = None
    parent_seq: int | None = None
    version: str = ""
    execution_id: str = field(default_factory=new_execution_id)
    status: str = PENDING
    output: Any = None
    custom_status: Any = None
    created: str = ""
    updated: str = ""
    next_seq: int = 0
    episodes: int = 0
    kick: bool = False
    history: list[Event] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    action_seq: list[int | None] = field(default_factory=list)
    meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    inbox: deque[tuple[int, Event]] = field(default_factory=deque)
    first_pending_at: float | None = None

    @property
    def active(self) -> bool:
        """Whether the instance can still make progress (or be resumed)."""
        return self.status in ACTIVE

    def ready(self) -> bool:
        """Whether an episode should run: new events, a first episode, or a forced replay."""
        if self.status not in (PENDING, RUNNING):
            return False
        return bool(self.inbox) or not self.history or self.kick

    def to_state(self) -> dict[str, Any]:
        """Everything but the history and the inbox, which the store keeps in their own tables."""
        return {
            "input": self.input, "parent_id": self.parent_id, "parent_seq": self.parent_seq,
            "version": self.version, "execution_id": self.execution_id, "output": self.output,
            "custom_status": self.custom_status, "next_seq": self.next_seq, "episodes": self.episodes,
            "kick": self.kick, "actions": self.actions, "action_seq": self.action_seq,
            "meta": {str(k): v for k, v in self.meta.items()},
        }

    @classmethod
    def from_state(cls, iid: str, name: str, status: str, created: str, updated: str,
                   state: dict[str, Any]) -> Instance:
        """Rebuild an instance from its stored row (history and inbox are attached by the store)."""
        inst = cls(id=iid, name=name, input=state["input"], parent_id=state["parent_id"],
                   parent_seq=state["parent_seq"], version=state.get("version", ""),
                   execution_id=state["execution_id"], status=status, output=state["output"],
                   custom_status=state["custom_status"], created=created, updated=updated,
                   next_seq=state["next_seq"], episodes=state["episodes"], kick=state["kick"],
                   actions=state["actions"], action_seq=state["action_seq"])
        inst.meta = {int(k): v for k, v in state["meta"].items()}
        return inst
