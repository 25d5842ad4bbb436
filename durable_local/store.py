"""SQLite persistence (WAL) for instances, histories, inboxes, pending work, timers and entity state.

Every state change of the host happens inside one ``transaction()``: an episode commits its history
suffix, consumed inbox rows, new work, timers and child instances together; an activity's completion
deletes its work row and inserts the completion event together. A ``kill -9`` therefore loses at
most the work that was in flight (re-run on restart, at-least-once as on Azure) and never re-runs a
completed activity. The connection is used from the event-loop thread only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from durable_local.model import Instance
from durable_local.wire import Event

_SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL, pos INTEGER NOT NULL, event TEXT NOT NULL,
    PRIMARY KEY (instance_id, pos)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS work (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, instance_id TEXT, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL,
    seq INTEGER NOT NULL, fire_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, exists_ INTEGER NOT NULL, state TEXT, updated TEXT NOT NULL);
"""


@dataclass(frozen=True)
class WorkRow:
    """A pending activity invocation or entity operation."""

    id: int
    kind: str
    instance_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class TimerRow:
    """A durable timer that has not fired yet."""

    id: int
    instance_id: str
    execution_id: str
    seq: int
    fire_at: str


class Store:
    """The host's SQLite database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against process crashes in WAL mode (only an OS crash can lose a commit)
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._depth = 0

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit; nested uses join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def save_instance(self, inst: Instance) -> None:
        """Upsert the instance row (not its history)."""
        self._conn.execute(
            "INSERT INTO instances(id, name, status, created, updated, state) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, status=excluded.status, "
            "created=excluded.created, updated=excluded.updated, state=excluded.state",
            (inst.id, inst.name, inst.status, inst.created, inst.updated, json.dumps(inst.to_state())),
        )

    def append_history(self, instance_id: str, start: int, events: list[Event]) -> None:
        """Append committed events at positions ``start...``."""
        self._conn.executemany(
            "INSERT INTO history(instance_id, pos, event) VALUES (?,?,?)",
            [(instance_id, start + i, json.dumps(e)) for i, e in enumerate(events)],
        )

    def replace_history(self, instance_id: str, events: list[Event]) -> None:
        """Rewrite the whole history (continue-as-new, rewind)."""
        self._conn.execute("DELETE FROM history WHERE instance_id=?", (instance_id,))
        self.append_history(instance_id, 0, events)

    def add_inbox(self, instance_id: str, event: Event) -> int:
        """Queue an event for the instance's next episode; returns its row id."""
        cur = self._conn.execute("INSERT INTO inbox(instance_id, event) VALUES (?,?)",
                                 (instance_id, json.dumps(event)))
        return int(cur.lastrowid or 0)

    def delete_inbox(self, row_ids: list[int]) -> None:
        """Drop consumed inbox rows."""
        self._conn.executemany("DELETE FROM inbox WHERE id=?", [(r,) for r in row_ids])

    def add_work(self, kind: str, instance_id: str | None, payload: dict[str, Any]) -> int:
        """Record pending work; returns its id."""
        cur = self._conn.execute("INSERT INTO work(kind, instance_id, payload) VALUES (?,?,?)",
                                 (kind, instance_id, json.dumps(payload)))
        return int(cur.lastrowid or 0)

    def delete_work(self, work_ids: list[int]) -> None:
        """Drop finished work."""
        self._conn.executemany("DELETE FROM work WHERE id=?", [(w,) for w in work_ids])

    def add_timer(self, instance_id: str, execution_id: str, seq: int, fire_at: str) -> int:
        """Record a durable timer; returns its id."""
        cur = self._conn.execute(
            "INSERT INTO timers(instance_id, execution_id, seq, fire_at) VALUES (?,?,?,?)",
            (instance_id, execution_id, seq, fire_at))
        return int(cur.lastrowid or 0)

    def delete_timer(self, timer_id: int) -> None:
        """Drop a fired or obsolete timer."""
        self._conn.execute("DELETE FROM timers WHERE id=?", (timer_id,))

    def save_entity(self, entity_id: str, exists: bool, state: str | None, updated: str) -> None:
        """Upsert one entity's serialized state."""
        self._conn.execute(
            "INSERT INTO entities(id, exists_, state, updated) VALUES (?,?,?,?) ON CONFLICT(id) DO UPDATE "
            "SET exists_=excluded.exists_, state=excluded.state, updated=excluded.updated",
            (entity_id, int(exists), state, updated))

    def delete_instance(self, instance_id: str) -> None:
        """Remove an instance with everything that belongs to it."""
        for table, column in (("instances", "id"), ("history", "instance_id"), ("inbox", "instance_id"),
                              ("timers", "instance_id"), ("work", "instance_id")):
            self._conn.execute(f"DELETE FROM {table} WHERE {column}=?", (instance_id,))

    def clear_pending(self, instance_id: str) -> None:
        """Drop inbox rows and timers of an instance (continue-as-new, terminate)."""
        self._conn.execute("DELETE FROM inbox WHERE instance_id=?", (instance_id,))
        self._conn.execute("DELETE FROM timers WHERE instance_id=?", (instance_id,))

    def load_instances(self) -> list[Instance]:
        """Every stored instance with its history and inbox."""
        instances: dict[str, Instance] = {}
        for iid, name, status, created, updated, state in self._conn.execute(
                "SELECT id, name, status, created, updated, state FROM instances"):
            instances[iid] = Instance.from_state(iid, name, status, created, updated, json.loads(state))
        for iid, event in self._conn.execute("SELECT instance_id, event FROM history ORDER BY instance_id, pos"):
            if iid in instances:
                instances[iid].history.append(json.loads(event))
        for row_id, iid, event in self._conn.execute("SELECT id, instance_id, event FROM inbox ORDER BY id"):
            if iid in instances:
                instances[iid].inbox.append((row_id, json.loads(event)))
        return list(instances.values())

    def load_work(self) -> list[WorkRow]:
        """Pending work in creation order."""
        return [WorkRow(r[0], r[1], r[2], json.loads(r[3]))
                for r in self._conn.execute("SELECT id, kind, instance_id, payload FROM work ORDER BY id")]

    def load_timers(self) -> list[TimerRow]:
        """Timers that have not fired."""
        return [TimerRow(*r) for r in self._conn.execute(
            "SELECT id, instance_id, execution_id, seq, fire_at FROM timers ORDER BY id")]

    def load_entities(self) -> dict[str, tuple[bool, str | None, str]]:
        """Entity id -> (exists, serialized state, last update)."""
        return {r[0]: (bool(r[1]), r[2], r[3])
                for r in self._conn.execute("SELECT id, exists_, state, updated FROM entities")}
