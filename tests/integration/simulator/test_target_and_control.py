"""Target mode (user.add, user.update read back through user.get), source read-only, fixtures and control routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

W = "/rest/1/simcode"
FAMILIES = {
    "users",
    "groups",
    "group_members",
    "chats",
    "chat_messages",
    "feed_posts",
    "feed_comments",
    "feed_images",
    "tasks",
    "task_comments",
    "crm_companies",
    "crm_contacts",
    "crm_deals",
    "crm_sp_items",
    "workflow_templates",
}


async def test_target_starts_empty_and_stores_added_users(sim: Any) -> None:
    client = await sim(mode="target")
    counts = await (await client.get("/_sim/counts")).json()
    assert set(counts) == FAMILIES and set(counts.values()) == {0}
    fields = {
        "EMAIL": "Ivan.Petrov@example.ru",
        "NAME": "Иван",
        "LAST_NAME": "Петров",
        "XML_ID": "cloud:user:15",
        "ACTIVE": "Y",
        "UF_DEPARTMENT": [1, 3],
        "WORK_POSITION": "Аналитик",
        "CUSTOM_FIELD": "kept",
    }
    response = await client.post(f"{W}/user.add", json=fields)
    body = await response.json()
    assert response.status == 200 and isinstance(body["result"], int)
    new_id = body["result"]
    got = await (await client.get(f"{W}/user.get", params={"FILTER[XML_ID]": "cloud:user:15"})).json()
    assert got["total"] == 1
    user = got["result"][0]
    assert user["ID"] == str(new_id) and user["NAME"] == "Иван" and user["UF_DEPARTMENT"] == [1, 3]
    assert user["ACTIVE"] is True and user["CUSTOM_FIELD"] == "kept"
    # form-encoded add with PHP bracket arrays
    second = await client.post(f"{W}/user.add", data={"EMAIL": "b@example.com", "UF_DEPARTMENT[]": "2"})
    assert (await second.json())["result"] == new_id + 1
    duplicate = await client.post(f"{W}/user.add", json={"EMAIL": "ivan.petrov@EXAMPLE.ru", "UF_DEPARTMENT": [1]})
    assert duplicate.status == 400
    assert (await duplicate.json())["error_description"] == "User with this email already exists"
    bad = await client.post(f"{W}/user.add", json={"EMAIL": "not-an-email"})
    assert (await bad.json())["error_description"] == "wrong_email"
    updated = await client.post(f"{W}/user.update", json={"ID": new_id, "WORK_POSITION": "Директор"})
    assert (await updated.json())["result"] is True
    again = await (await client.get(f"{W}/user.get", params={"ID": str(new_id)})).json()
    assert again["result"][0]["WORK_POSITION"] == "Директор"
    stats = await (await client.get("/_sim/stats")).json()
    assert stats["writes"] == 5
    assert (await (await client.get("/_sim/counts")).json())["users"] == 2


async def test_source_refuses_writes_and_audits_them(sim: Any) -> None:
    client = await sim()
    response = await client.post(f"{W}/user.add", json={"EMAIL": "x@example.com", "UF_DEPARTMENT": [1]})
    assert response.status == 403
    audit = await (await client.get("/_sim/audit")).json()
    assert audit["writes"][0]["method"] == "user.add" and audit["writes"][0]["accepted"] is False
    assert (await (await client.get("/_sim/stats")).json())["writes"] == 1


async def test_dump_reloads_as_fixture_and_reset_stats(sim: Any, tmp_path: Path) -> None:
    source = await sim(seed=3)
    dump = await (await source.get("/_sim/dump")).json()
    assert set(FAMILIES) <= set(dump) and dump["portal"]["admin_user_id"] == 1
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(dump), encoding="utf-8")
    copy = await sim(fixture=path)
    assert await (await copy.get("/_sim/counts")).json() == await (await source.get("/_sim/counts")).json()
    assert (await (await copy.get("/_sim/dump")).json())["users"] == dump["users"]
    await copy.get(f"{W}/user.get")
    stats = await (await copy.get("/_sim/stats")).json()
    assert stats["requests"] == 1 and stats["by_method"]["user.get"]["calls"] == 1
    assert (await copy.post("/_sim/reset-stats")).status == 200
    stats = await (await copy.get("/_sim/stats")).json()
    assert stats == {"requests": 0, "by_method": {}, "errors": {}, "writes": 0, "faults_injected": 0, "downloads": 0}


async def test_fixture_keeps_unknown_fields(sim: Any, tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"users": [{"ID": "5", "NAME": "A", "EMAIL": "a@x.ru", "ACTIVE": True, "ODD": [1]}]}))
    client = await sim(fixture=path)
    body = await (await client.get(f"{W}/user.get")).json()
    assert body["result"] == [{"ID": "5", "NAME": "A", "EMAIL": "a@x.ru", "ACTIVE": True, "ODD": [1]}]
    assert body["total"] == 1
