"""Limits and faults over real HTTP: leaky bucket 503, operating-time 429 with the cost model, seeded faults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp

W = "/rest/1/simcode"


async def test_burst_of_60_gets_503_for_the_excess(sim: Any) -> None:
    client = await sim(limits="standard")
    statuses = []
    bodies = []
    for _ in range(60):
        response = await client.get(f"{W}/server.time")
        statuses.append(response.status)
        bodies.append(await response.json())
    assert statuses[:50] == [200] * 50
    rejected = [b for s, b in zip(statuses, bodies, strict=True) if s == 503]
    assert 8 <= len(rejected) <= 10
    assert rejected[0] == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
    # the bucket drains at 2 per second: advance the simulated clock and requests pass again
    await client.post("/_sim/clock", json={"advance": 5})
    assert (await client.get(f"{W}/server.time")).status == 200
    assert (await (await client.get("/_sim/stats")).json())["errors"]["QUERY_LIMIT_EXCEEDED"] == len(rejected)


async def test_enterprise_burst_is_250_and_off_has_none(sim: Any) -> None:
    enterprise = await sim(limits="enterprise")
    results = [(await enterprise.get(f"{W}/server.time")).status for _ in range(252)]
    assert results[:250] == [200] * 250 and 503 in results[250:]
    unlimited = await sim(limits="off")
    results = [(await unlimited.get(f"{W}/server.time")).status for _ in range(120)]
    body = await (await unlimited.get(f"{W}/server.time")).json()
    assert set(results) == {200} and "operating" not in body["time"]


def _deals_fixture(path: Path, count: int) -> Path:
    deals = [
        {"ID": str(i), "TITLE": f"d{i}", "OPPORTUNITY": "1.00", "DATE_MODIFY": "2024-01-01T00:00:00+03:00"}
        for i in range(1, count + 1)
    ]
    path.write_text(json.dumps({"crm_deals": deals}), encoding="utf-8")
    return path


async def test_offset_paging_costs_ten_times_keyset(sim: Any, tmp_path: Path) -> None:
    client = await sim(fixture=_deals_fixture(tmp_path / "deals.json", 100_000), limits="off")
    # offset pages: 50 commands per batch
    for batch_start in range(0, 100_000, 2500):
        cmd = {str(k): f"crm.deal.list?order[ID]=ASC&start={batch_start + 50 * k}" for k in range(50)}
        await client.post(f"{W}/batch", json={"cmd": cmd})
    offset_s = (await (await client.get("/_sim/stats")).json())["by_method"]["crm.deal.list"]["operating_s"]
    await client.post("/_sim/reset-stats")
    last, read = 0, 0
    while True:
        cmd = {"p0": f"crm.deal.list?order[ID]=ASC&filter[>ID]={last}&start=-1"}
        for k in range(1, 50):
            cmd[f"p{k}"] = f"crm.deal.list?order[ID]=ASC&filter[>ID]=$result[p{k - 1}][49][ID]&start=-1"
        body = await (await client.post(f"{W}/batch", json={"cmd": cmd, "halt": 1})).json()
        pages = [body["result"]["result"][f"p{k}"] for k in range(50) if body["result"]["result"].get(f"p{k}")]
        rows = [r for page in pages for r in page]
        read += len(rows)
        if not pages or len(pages[-1]) < 50:
            break
        last = rows[-1]["ID"]
    stats = await (await client.get("/_sim/stats")).json()
    keyset_s = stats["by_method"]["crm.deal.list"]["operating_s"]
    assert read == 100_000
    assert offset_s >= 10 * keyset_s


async def test_operating_limit_blocks_one_method_until_the_window_moves(sim: Any, tmp_path: Path) -> None:
    client = await sim(fixture=_deals_fixture(tmp_path / "deals.json", 5000), limits="standard", operating_limit_s=0.2)
    blocked = None
    for page in range(100):
        response = await client.get(f"{W}/crm.deal.list", params={"start": str(page * 50)})
        body = await response.json()
        if response.status == 429:
            blocked = body
            break
        assert body["time"]["operating"] > 0 and body["time"]["operating_reset_at"] > body["time"]["start"]
    assert blocked == {
        "error": "OPERATION_TIME_LIMIT",
        "error_description": "Method is blocked due to operation time limit.",
    }
    # other methods keep working
    assert (await client.get(f"{W}/user.get")).status == 200
    await client.post("/_sim/clock", json={"advance": 660})
    assert (await client.get(f"{W}/crm.deal.list")).status == 200


async def test_faults_are_seeded_and_typed(sim: Any) -> None:
    spec = "503:0.15,500:0.1,badjson:0.1,html:0.1,reset:0.05"
    runs = []
    for _ in range(2):
        client = await sim(faults=spec, seed=5)
        outcomes = []
        # POST and a fresh connection per request: aiohttp silently retries a reset GET
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
            for _ in range(150):
                try:
                    async with session.post(f"{client.make_url(W)}/server.time") as response:
                        text = await response.text()
                        try:
                            json.loads(text)
                            kind = str(response.status)
                        except ValueError:
                            kind = f"{response.status}-notjson"
                except aiohttp.ClientError:
                    kind = "reset"
                outcomes.append(kind)
        runs.append(outcomes)
        stats = await (await client.get("/_sim/stats")).json()
        assert stats["faults_injected"] == sum(1 for o in outcomes if o != "200")
    assert runs[0] == runs[1]
    kinds = set(runs[0])
    assert {"200", "503", "500", "200-notjson", "502-notjson", "reset"} <= kinds


async def test_timeout_fault_holds_the_request(sim: Any) -> None:
    client = await sim(faults="timeout:1.0", fault_timeout_s=0.3)
    timeout = aiohttp.ClientTimeout(total=0.1)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            async with session.get(f"{client.make_url(W)}/server.time") as response:
                await response.read()
            raise AssertionError("expected a timeout")
        except TimeoutError:
            pass
