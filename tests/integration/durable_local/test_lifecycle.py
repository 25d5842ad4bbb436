"""Management operations beyond the basics, restart-from-database, timer triggers and the #603 lint."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import aiohttp
import azure.durable_functions as df

from durable_local.host import LocalDurableHost


async def _until(predicate: Any, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


async def test_suspend_holds_events_until_resume(host: LocalDurableHost) -> None:
    host.fast_forward = False
    iid = host.start_new("approval", None, "sus-1")
    await _until(lambda: host.status(iid)["customStatus"] == "waiting-for-approval")
    host.suspend(iid, "maintenance")
    host.raise_event(iid, "Approve", json.dumps("carol"))
    await asyncio.sleep(0.1)
    assert host.status(iid)["runtimeStatus"] == "Suspended"
    host.resume(iid, "back")
    status = await host.wait_for(iid, timeout=5)
    assert status["output"] == {"approved_by": "carol"}


async def test_restart_with_new_and_same_id(host: LocalDurableHost) -> None:
    iid = host.start_new("child", json.dumps({"name": "re"}), "rs-1")
    first = await host.wait_for(iid)
    new_id = host.restart(iid, new_instance_id=True)
    assert new_id != iid
    assert (await host.wait_for(new_id))["output"]["greeting"] == first["output"]["greeting"]
    assert host.restart(iid, new_instance_id=False) == iid
    assert (await host.wait_for(iid))["runtimeStatus"] == "Completed"


async def test_list_filter_and_purge_by_filter(served: LocalDurableHost) -> None:
    client = df.DurableOrchestrationClient(served.client_binding())
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    for i in range(3):
        await client.start_new("child", f"list-{i}", {"name": str(i)})
    served.fast_forward = False
    await client.start_new("sleeper", "list-running", 3600)
    for i in range(3):
        await served.wait_for(f"list-{i}")
    everything = await client.get_status_all()
    assert {s.instance_id for s in everything} >= {"list-0", "list-1", "list-2", "list-running"}
    done = await client.get_status_by(started, None, [df.OrchestrationRuntimeStatus.Completed])
    assert sorted(s.instance_id for s in done) == ["list-0", "list-1", "list-2"]
    hook = f"{served.base_url}/runtime/webhooks/durabletask/instances"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{hook}?instanceIdPrefix=list-&top=2") as response:
            page = await response.json()
            token = response.headers["x-ms-continuation-token"]
        async with session.get(f"{hook}?instanceIdPrefix=list-&top=2",
                               headers={"x-ms-continuation-token": token}) as response:
            rest = await response.json()
    assert len(page) == 2
    assert len(page) + len(rest) == 4
    result = await client.purge_instance_history_by(started, None, [df.OrchestrationRuntimeStatus.Completed])
    assert result.instances_deleted == 3
    assert served.get_status("list-running") is not None


async def test_running_work_resumes_after_restart(tmp_path: Path, test_app: Any, app_module: Any,
                                                  app_dir: Path) -> None:
    db = tmp_path / "restart.sqlite"
    first = LocalDurableHost(test_app, db_path=db, host_json=app_dir / "host.json")
    await first.start()
    first.start_new("sleeper", "1", "slp")
    first.start_new("fan_out", "30", "fan")
    await _until(lambda: first.status("slp")["runtimeStatus"] == "Running")
    await first.stop()
    second = LocalDurableHost(test_app, db_path=db, host_json=app_dir / "host.json")
    await second.start()
    try:
        assert (await second.wait_for("fan", timeout=10))["output"] == sum(2 * i for i in range(30))
        assert (await second.wait_for("slp", timeout=10))["output"] >= 1
    finally:
        await second.stop()


async def test_timer_trigger_on_demand_via_admin_api(served: LocalDurableHost, app_module: Any) -> None:
    app_module.TICKS.clear()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{served.base_url}/admin/functions/yearly_tick", json={}) as response:
            assert response.status == 202
        async with session.post(f"{served.base_url}/admin/functions/nope", json={}) as response:
            assert response.status == 404
    await _until(lambda: app_module.TICKS == ["yearly_tick"])


async def test_retry_inside_task_any_followed_by_new_work_warns(host: LocalDurableHost) -> None:
    status = await host.wait_for(host.start_new("retry_race", None, "race-1"))
    assert status["output"] == "Hello extra"
    assert any("#603" in w for w in host.warnings)


async def test_plain_orchestrations_do_not_warn(host: LocalDurableHost) -> None:
    await host.wait_for(host.start_new("with_retry", json.dumps({"key": "w", "fail_times": 1, "attempts": 2})))
    assert host.warnings == []
