"""The management API and the app's HTTP routes over real loopback HTTP, with the SDK's own client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import azure.durable_functions as df

from durable_local.host import LocalDurableHost


def _client(host: LocalDurableHost) -> df.DurableOrchestrationClient:
    return df.DurableOrchestrationClient(host.client_binding())


async def _wait_status(session: aiohttp.ClientSession, url: str, want: int = 200) -> dict[str, Any]:
    for _ in range(500):
        async with session.get(url) as response:
            if response.status == want:
                return dict(await response.json())
        await asyncio.sleep(0.01)
    raise AssertionError(f"{url} never answered {want}")


async def test_http_starter_with_real_client_then_status_202_to_200(served: LocalDurableHost) -> None:
    base = served.base_url
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/api/orchestrators/fan_out?id=http-1", json=20) as response:
            assert response.status == 202
            payload = await response.json()
            assert response.headers["Location"] == payload["statusQueryGetUri"]
        assert payload["id"] == "http-1"
        assert payload["statusQueryGetUri"].startswith(f"{base}/runtime/webhooks/durabletask/instances/http-1")
        body = await _wait_status(session, payload["statusQueryGetUri"])
        assert body["runtimeStatus"] == "Completed"
        assert body["output"] == sum(2 * i for i in range(20))
        assert body["input"] == 20
        async with session.get(f"{base}/api/runs/http-1") as response:
            assert await response.json() == {"runtimeStatus": "Completed", "output": 380, "customStatus": None}
        async with session.get(f"{base}/api/runs/nope") as response:
            assert response.status == 404


async def test_status_is_202_while_running_with_custom_status(served: LocalDurableHost) -> None:
    served.fast_forward = False
    client = _client(served)
    iid = await client.start_new("approval", "appr-http")
    async with aiohttp.ClientSession() as session:
        url = f"{served.base_url}/runtime/webhooks/durabletask/instances/{iid}?showHistory=true"
        for _ in range(200):
            async with session.get(url) as response:
                body = await response.json()
                if body["customStatus"] == "waiting-for-approval":
                    assert response.status == 202
                    assert "Retry-After" in response.headers
                    break
            await asyncio.sleep(0.01)
        assert body["historyEvents"][0]["EventType"] == "ExecutionStarted"
        await client.raise_event(iid, "Approve", {"by": "bob"})
        body = await _wait_status(session, url)
    assert body["output"] == {"approved_by": {"by": "bob"}}
    status = await client.get_status(iid, show_history=True)
    assert status.runtime_status == df.OrchestrationRuntimeStatus.Completed


async def test_terminate_then_410_and_purge(served: LocalDurableHost) -> None:
    served.fast_forward = False
    client = _client(served)
    iid = await client.start_new("sleeper", None, 3600)
    await asyncio.sleep(0.05)
    await client.terminate(iid, "enough")
    status = await client.get_status(iid)
    assert status.runtime_status == df.OrchestrationRuntimeStatus.Terminated
    assert status.output == "enough"
    base = f"{served.base_url}/runtime/webhooks/durabletask/instances/{iid}"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/terminate?reason=again") as response:
            assert response.status == 410
        async with session.post(f"{base}/raiseEvent/X", json={"a": 1}) as response:
            assert response.status == 410
    result = await client.purge_instance_history(iid)
    assert result.instances_deleted == 1
    assert not await client.get_status(iid)


async def test_rewind_failed_instance_to_completion(served: LocalDurableHost, tmp_path: Path) -> None:
    client = _client(served)
    flag = tmp_path / "fixed"
    iid = await client.start_new("rewindable", "rw-1", {"flag": str(flag)})
    status = await served.wait_for(iid)
    assert status["runtimeStatus"] == "Failed"
    assert "not fixed yet" in status["output"]
    flag.write_text("ok")
    await client.rewind(iid, "fixed it")
    status = await served.wait_for(iid)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == ["Hello before", "fixed"]


async def test_entity_read_and_signal_through_client(served: LocalDurableHost) -> None:
    client = _client(served)
    entity = df.EntityId("counter", "http")
    missing = await client.read_entity_state(entity)
    assert not missing.entity_exists
    await client.signal_entity(entity, "add", 7)
    await client.signal_entity(entity, "add", 3)
    for _ in range(200):
        state = await client.read_entity_state(entity)
        if state.entity_exists and state.entity_state == 10:
            break
        await asyncio.sleep(0.01)
    assert state.entity_state == 10


async def test_bad_input_gets_azure_statuses(served: LocalDurableHost) -> None:
    hook = f"{served.base_url}/runtime/webhooks/durabletask"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{hook}/orchestrators/no_such_fn", json=1) as response:
            assert response.status == 400
            assert "no_such_fn" in (await response.json())["ExceptionMessage"]
        async with session.post(f"{hook}/orchestrators/fan_out", data=b"{not json") as response:
            assert response.status == 400
        async with session.get(f"{hook}/instances/unknown-id") as response:
            assert response.status == 404
        for op in ("terminate", "rewind", "suspend", "resume"):
            async with session.post(f"{hook}/instances/unknown-id/{op}") as response:
                assert response.status == 404, op
        async with session.post(f"{hook}/instances/unknown-id/raiseEvent/E", json=1) as response:
            assert response.status == 404
        async with session.delete(f"{hook}/instances/unknown-id") as response:
            assert response.status == 404
        served.fast_forward = False
        async with session.post(f"{hook}/orchestrators/sleeper/bad-1", json=3600) as response:
            assert response.status == 202
        async with session.post(f"{hook}/orchestrators/sleeper/bad-1", json=3600) as response:
            assert response.status == 409
        async with session.post(f"{hook}/instances/bad-1/rewind") as response:
            assert response.status == 412
        async with session.delete(f"{hook}/instances/bad-1") as response:
            assert response.status == 412
        async with session.post(f"{hook}/instances/bad-1/raiseEvent/E", data=b"{oops") as response:
            assert response.status == 400
        async with session.post(f"{hook}/entities/nobody/k?op=x", json=1) as response:
            assert response.status == 400


async def test_plain_http_route_with_optional_param(served: LocalDurableHost) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{served.base_url}/api/hello/ann", headers={"X-Echo": "e"}) as response:
            assert await response.text() == "hello ann"
            assert response.headers["X-Echo"] == "e"
        async with session.get(f"{served.base_url}/api/hello?name=bo") as response:
            assert await response.text() == "hello bo"
        async with session.get(f"{served.base_url}/api/nowhere") as response:
            assert response.status == 404


async def test_curl_style_plain_json_input(served: LocalDurableHost) -> None:
    hook = f"{served.base_url}/runtime/webhooks/durabletask"
    async with aiohttp.ClientSession() as session, session.post(
            f"{hook}/orchestrators/child/plain-1", data=json.dumps({"name": "curl"})) as response:
        assert response.status == 202
    status = await served.wait_for("plain-1")
    assert status["output"]["greeting"] == "Hello curl"


async def test_entity_operations_apply_in_order_over_raw_http(served: LocalDurableHost) -> None:
    hook = f"{served.base_url}/runtime/webhooks/durabletask"
    async with aiohttp.ClientSession() as session:
        for i in range(20):
            async with session.post(f"{hook}/entities/journal/j1?op=append", json=i) as response:
                assert response.status == 202
        for _ in range(200):
            async with session.get(f"{hook}/entities/journal/j1") as response:
                if response.status == 200 and len(state := await response.json()) == 20:
                    break
            await asyncio.sleep(0.01)
        async with session.get(f"{hook}/entities/journal") as response:
            listed = await response.json()
    assert state == list(range(20))
    assert [(e["entityId"], e["state"]) for e in listed] == [({"name": "journal", "key": "j1"}, list(range(20)))]


async def test_status_query_flags(served: LocalDurableHost) -> None:
    iid = served.start_new("explode", None, "flags-1")
    await served.wait_for(iid)
    hook = f"{served.base_url}/runtime/webhooks/durabletask/instances/{iid}"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{hook}?showInput=false") as response:
            assert response.status == 200
            body = await response.json()
            assert body["input"] is None
            assert "historyEvents" not in body
            assert body["output"].startswith("Orchestrator function 'explode' failed: nope")
            assert body["customStatus"] == "about to fail"
        async with session.get(f"{hook}?returnInternalServerErrorOnFailure=true") as response:
            assert response.status == 500
        async with session.get(f"{hook}?showHistory=true&showHistoryOutput=true") as response:
            events = (await response.json())["historyEvents"]
    completed = [e for e in events if e["EventType"] == "TaskCompleted"]
    assert completed[0]["Result"] == "Hello x"
    assert completed[0]["FunctionName"] == "sync_hello"
    assert "ScheduledTime" in completed[0]
    assert events[0]["EventType"] == "ExecutionStarted"
    assert events[0]["FunctionName"] == "explode"
    assert not [e for e in events if e["EventType"] in ("TaskScheduled", "OrchestratorStarted")]


async def test_wait_for_completion_from_an_http_function(served: LocalDurableHost) -> None:
    async with aiohttp.ClientSession() as session, session.post(
            f"{served.base_url}/api/wait/child", json={"name": "waiter"}) as response:
        assert response.status == 200
        assert await response.json() == {"greeting": "Hello waiter", "parent": None}


async def test_call_http_makes_a_real_request(served: LocalDurableHost) -> None:
    iid = served.start_new("http_caller", json.dumps(f"{served.base_url}/api/hello/durable"))
    status = await served.wait_for(iid)
    assert status["output"] == {"status": 200, "content": "hello durable"}


async def test_function_context_parameter_is_supplied(served: LocalDurableHost) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{served.base_url}/api/whoami") as response:
        assert response.status == 200
        assert await response.text() == "http_whoami 32"


async def test_bad_ids_and_query_values_are_400(served: LocalDurableHost) -> None:
    hook = f"{served.base_url}/runtime/webhooks/durabletask"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{hook}/orchestrators/child/{'x' * 101}", json={"name": "a"}) as response:
            assert response.status == 400
        async with session.post(f"{hook}/orchestrators/child/a%23b", json={"name": "a"}) as response:
            assert response.status == 400
        async with session.get(f"{hook}/instances?createdTimeFrom=yesterday") as response:
            assert response.status == 400
        async with session.get(f"{hook}/instances?top=many") as response:
            assert response.status == 400
        async with session.delete(f"{hook}/instances") as response:
            assert response.status == 400


async def test_start_with_timeout_waits_for_the_output(served: LocalDurableHost) -> None:
    hook = f"{served.base_url}/runtime/webhooks/durabletask/orchestrators"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{hook}/fan_out/wait-1?timeout=10", json=5) as response:
            assert response.status == 200
            assert await response.json() == 20
        served.fast_forward = False
        async with session.post(f"{hook}/sleeper/wait-2?timeout=0.2", json=3600) as response:
            assert response.status == 202
            assert (await response.json())["id"] == "wait-2"
