"""The migration and family orchestrators replayed by the local host, with activities scripted by name.

The orchestrators, the throttle entity and the SDK's replay are real; only the I/O activities are replaced
(style rule 23, "mock by name"), so these tests pin the workflow itself: the cursor and counters across
``continue_as_new``, the throttle reports, the nested child counters and the fail-fast paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import function_app
from durable_local.testing import running_host
from shared.contracts import ExtractOutput, LoadOutput, MigrationInput, SourceCheck, TransformOutput

STEPS = 3  # records per step: 2, then the reader says done on the third step


def _scripted(calls: dict[str, list[Any]], *, source_ok: bool = True, extract_error: str | None = None) -> dict[
        str, Any]:
    async def check_source(payload: Any) -> dict[str, Any]:
        calls["check_source"].append(payload)
        return SourceCheck(ok=source_ok, error=None if source_ok else "portal p.example rejected the webhook")\
            .model_dump(mode="json")

    async def extract_pages(payload: dict[str, Any]) -> dict[str, Any]:
        calls["extract_pages"].append(payload)
        n = payload["step"]
        if extract_error:
            return ExtractOutput(raw_blob=None, count=0, cursor={}, done=True, http_requests=1,
                                 error=extract_error).model_dump(mode="json")
        children = 3 if payload["family"] == "groups" else 0
        return ExtractOutput(raw_blob=f"raw/{payload['family']}/{n}", count=2, cursor={"after": (n + 1) * 10},
                             done=n + 1 >= STEPS, http_requests=1, children=children).model_dump(mode="json")

    async def transform_records(payload: dict[str, Any]) -> dict[str, Any]:
        calls["transform_records"].append(payload)
        return TransformOutput(canonical_blob=payload["raw_blob"].replace("raw", "canonical"), count=2,
                               dead_lettered=0).model_dump(mode="json")

    async def load_batch(payload: dict[str, Any]) -> dict[str, Any]:
        calls["load_batch"].append(payload)
        nested = 3 if payload["family"] == "groups" else 0
        return LoadOutput(imported=1, duplicate=1, throttled=1 if len(calls["load_batch"]) == 1 else 0,
                          children_imported=nested).model_dump(mode="json")

    return {"check_source": check_source, "extract_pages": extract_pages,
            "transform_records": transform_records, "load_batch": load_batch}


def _calls() -> dict[str, list[Any]]:
    return {k: [] for k in ("check_source", "extract_pages", "transform_records", "load_batch")}


async def test_family_steps_survive_continue_as_new_with_growing_counters(tmp_path: Path) -> None:
    calls = _calls()
    inp = MigrationInput(run_id="run-t1", phase="users", families=["users", "groups"], test_limit=1000,
                         steps_per_generation=1)
    async with running_host(function_app.app, tmp_path / "h.sqlite", activity_overrides=_scripted(calls)) as host:
        host.start_new("migration_orchestrator", json.dumps(inp.model_dump(mode="json")), "run-t1")
        status = await host.wait_for("run-t1", timeout=60)
        throttle = json.loads(host.read_entity("throttle_entity", "run-t1") or "null")
    assert status["runtimeStatus"] == "Completed", status
    families = status["output"]["families"]
    users = families["users"]
    assert (users["state"], users["extracted"], users["imported"], users["duplicate"]) == ("done", 6, 3, 3)
    # the cursor travelled through two continue_as_new generations, one step each
    cursors = [c["cursor"] for c in calls["extract_pages"] if c["family"] == "users"]
    assert cursors == [{}, {"after": 10}, {"after": 20}]
    # group members are counted under their own family from the groups' nested counters
    assert families["group_members"]["extracted"] == 9 and families["group_members"]["imported"] == 9
    # the first load was throttled: the entity halved the batch and then grew back after clean steps
    assert throttle["throttled_total"] == 1
    assert [c["batch_size"] for c in calls["load_batch"]][:2] == [50, 25]
    assert status["output"]["report"] is None  # a test_limit run is not validated


async def test_wrong_webhook_fails_the_run_before_any_extraction(tmp_path: Path) -> None:
    calls = _calls()
    inp = MigrationInput(run_id="run-t2", phase="all")
    async with running_host(function_app.app, tmp_path / "h.sqlite",
                            activity_overrides=_scripted(calls, source_ok=False)) as host:
        host.start_new("migration_orchestrator", json.dumps(inp.model_dump(mode="json")), "run-t2")
        status = await host.wait_for("run-t2", timeout=30)
    assert status["runtimeStatus"] == "Failed"
    assert "rejected the webhook" in json.dumps(status["output"])
    assert calls["extract_pages"] == []


async def test_permanent_extract_error_fails_family_and_run(tmp_path: Path) -> None:
    calls = _calls()
    inp = MigrationInput(run_id="run-t3", phase="users", test_limit=5)
    async with running_host(function_app.app, tmp_path / "h.sqlite",
                            activity_overrides=_scripted(calls, extract_error="ACCESS_DENIED on user.get")) as host:
        host.start_new("migration_orchestrator", json.dumps(inp.model_dump(mode="json")), "run-t3")
        status = await host.wait_for("run-t3", timeout=30)
        child = host.get_status("run-t3:users")
    assert status["runtimeStatus"] == "Failed"
    assert child is not None and child["runtimeStatus"] == "Failed"
    assert "ACCESS_DENIED" in json.dumps(status["output"])
    assert calls["load_batch"] == []
