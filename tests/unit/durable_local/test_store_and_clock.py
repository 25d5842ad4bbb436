"""SQLite store round trips and atomicity; the host clock's monotonic stamps and jumps; host.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from durable_local.clock import HostClock
from durable_local.hostjson import HostSettings
from durable_local.model import Instance
from durable_local.store import Store
from durable_local.wire import parse_ts


def test_instance_history_inbox_work_timers_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    inst = Instance(id="i1", name="orch", input='{"a": 1}', created="c", updated="u")
    inst.meta = {3: {"kind": 0, "action": {"functionName": "f"}}}
    with store.transaction():
        store.save_instance(inst)
        store.append_history("i1", 0, [{"EventType": 12}, {"EventType": 0}])
        row = store.add_inbox("i1", {"EventType": 5, "TaskScheduledId": 3})
        work = store.add_work("activity", "i1", {"seq": 3})
        store.add_timer("i1", inst.execution_id, 4, "2030-01-01T00:00:00.000000Z")
        store.save_entity("@counter@k", True, "5", "t")
    store.close()
    again = Store(tmp_path / "s.sqlite")
    [loaded] = again.load_instances()
    assert (loaded.name, loaded.input, loaded.meta) == ("orch", '{"a": 1}', inst.meta)
    assert loaded.history == [{"EventType": 12}, {"EventType": 0}]
    assert list(loaded.inbox) == [(row, {"EventType": 5, "TaskScheduledId": 3})]
    assert [(w.id, w.payload) for w in again.load_work()] == [(work, {"seq": 3})]
    assert [(t.seq, t.fire_at) for t in again.load_timers()] == [(4, "2030-01-01T00:00:00.000000Z")]
    assert again.load_entities() == {"@counter@k": (True, "5", "t")}
    again.close()


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_work("activity", "i1", {"seq": 0})
        raise RuntimeError("crash mid-episode")
    assert store.load_work() == []
    assert store._conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store.close()


def test_clock_stamps_strictly_increase_and_jumps_forward_only() -> None:
    clock = HostClock()
    stamps = [clock.stamp() for _ in range(1000)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 1000
    target = clock.now() + dt.timedelta(hours=1)
    clock.advance_to(target)
    assert clock.now() >= target
    clock.advance_to(target - dt.timedelta(hours=5))
    assert clock.now() >= target
    future = parse_ts(stamps[-1]) + dt.timedelta(days=2)
    clock.observe(future)
    assert parse_ts(clock.stamp()) > future


def test_host_json_caps_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "host.json"
    path.write_text(json.dumps({"extensions": {"durableTask": {"maxConcurrentActivityFunctions": 3,
                                                               "maxConcurrentOrchestratorFunctions": 2,
                                                               "hubName": "H"},
                                               "http": {"routePrefix": ""}}}))
    settings = HostSettings.load(path)
    assert (settings.max_activities, settings.max_orchestrators, settings.hub_name, settings.route_prefix) == (
        3, 2, "H", "")
    default = HostSettings.load(None)
    assert default.max_activities >= 10
    assert default.route_prefix == "api"
