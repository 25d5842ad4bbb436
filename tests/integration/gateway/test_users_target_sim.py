"""import.users.batch into the target-mode simulator: create, duplicate, update, crash reconcile."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import url, user

USERS = "import.users.batch"


async def _sim_users(control: str, webhook: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as s, s.post(webhook + "user.get", json={"start": -1}) as resp:
        body = await resp.json()
    return list(body["result"])


async def _counts(control: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as s, s.get(control + "_sim/counts") as resp:
        return dict(await resp.json())


async def test_import_into_the_simulator_is_idempotent(target_sim: Any, make_gateway: Any) -> None:
    webhook, control = target_sim
    gw = await make_gateway(webhook)
    batch = [user(i, lastName=f"L{i}", departmentIds=[1]) for i in range(1, 61)]
    first = await gw.post(url(USERS), json=batch)
    data = await first.json()
    assert first.status == 200, data
    assert data["imported"] == 60 and data["failed"] == [] and len(data["ids"]) == 60
    assert (await _counts(control))["users"] == 60
    async with aiohttp.ClientSession() as s, s.get(control + "_sim/stats") as resp:
        stats = await resp.json()
    # 60 creates travel as two `batch` requests of 50 and 10 commands
    assert stats["requests"] == 2 and stats["by_method"]["user.add"]["calls"] == 60
    rows = {r["XML_ID"]: r for r in await _sim_users(control, webhook)}
    assert rows["cloud:user:7"]["EMAIL"] == "user7@example.com"
    assert int(rows["cloud:user:7"]["ID"]) == data["ids"]["cloud:user:7"]

    again = await (await gw.post(url(USERS), json=batch)).json()
    assert again["imported"] == 0 and len(again["duplicate"]) == 60
    assert (await _counts(control))["users"] == 60

    batch[4] = user(5, lastName="Changed", departmentIds=[1])
    changed = await (await gw.post(url(USERS), json=batch)).json()
    assert changed["imported"] == 1 and changed["updated"] == ["cloud:user:5"]
    rows = {r["XML_ID"]: r for r in await _sim_users(control, webhook)}
    assert rows["cloud:user:5"]["LAST_NAME"] == "Changed"
    assert (await _counts(control))["users"] == 60


async def test_pending_intent_is_found_by_xml_id_in_the_simulator(
    target_sim: Any, make_gateway: Any, tmp_path: Path
) -> None:
    webhook, control = target_sim
    # the crash window: the portal got the user, the ledger only holds the intent
    async with aiohttp.ClientSession() as s, s.post(
        webhook + "user.add", json={"EMAIL": "user3@example.com", "XML_ID": "cloud:user:3", "UF_DEPARTMENT": [1]}
    ) as resp:
        created = (await resp.json())["result"]
    from gateway.ledger import Ledger

    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.record_intents([("source:user:3", "users", "x")])
    ledger.close()
    gw = await make_gateway(webhook)
    data = await (await gw.post(url(USERS), json=[user(3, departmentIds=[1])])).json()
    assert data["ids"] == {"cloud:user:3": created} and data["failed"] == []
    assert (await _counts(control))["users"] == 1


async def test_email_clash_in_the_portal_is_a_failed_item(target_sim: Any, make_gateway: Any) -> None:
    webhook, _control = target_sim
    gw = await make_gateway(webhook)
    await gw.post(url(USERS), json=[user(1)])
    data = await (await gw.post(url(USERS), json=[{"sourceId": "cloud:user:2", "email": "user1@example.com"}])).json()
    assert data["imported"] == 0 and data["failed"][0]["code"] == "target_error"
    assert "already exists" in data["failed"][0]["reason"]


async def test_a_user_already_on_the_box_is_adopted_by_email(target_sim: Any, make_gateway: Any) -> None:
    webhook, control = target_sim
    async with aiohttp.ClientSession() as s, s.post(
        webhook + "user.add", json={"EMAIL": "User4@Example.com", "NAME": "Pre", "UF_DEPARTMENT": [1]}
    ) as resp:
        existing = (await resp.json())["result"]
    gw = await make_gateway(webhook)
    data = await (await gw.post(url(USERS), json=[user(4, departmentIds=[1])])).json()
    assert data["ids"] == {"cloud:user:4": existing} and data["updated"] == ["cloud:user:4"]
    rows = {r["XML_ID"]: r for r in await _sim_users(control, webhook) if r.get("XML_ID")}
    assert rows["cloud:user:4"]["NAME"] == "User 4"
    assert (await _counts(control))["users"] == 1
    again = await (await gw.post(url(USERS), json=[user(4, departmentIds=[1])])).json()
    assert again["duplicate"] == ["cloud:user:4"]
