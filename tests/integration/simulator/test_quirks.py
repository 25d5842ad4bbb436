"""The bitrix24-api.md §20 quirks pinned one by one, plus bad input that must never produce a 500."""

from __future__ import annotations

import json
from typing import Any

from simulator.registry import METHODS

W = "/rest/1/simcode"


async def test_envelope_order_and_types(sim: Any) -> None:
    client = await sim(profile="small")
    text = await (await client.get(f"{W}/crm.deal.list", params={"start": "0"})).text()
    assert text.index('"result"') < text.index('"next"') < text.index('"total"') < text.index('"time"')
    body = json.loads(text)
    assert isinstance(body["result"][0]["ID"], str) and isinstance(body["result"][0]["OPPORTUNITY"], str)
    items = await (await client.post(f"{W}/crm.item.list", json={"entityTypeId": 2})).json()
    assert isinstance(items["result"]["items"][0]["id"], int)
    last = await (await client.get(f"{W}/crm.deal.list", params={"start": str(body["total"] - 3)})).json()
    assert "next" not in last and last["total"] == body["total"]
    time_keys = list(body["time"])
    assert time_keys == ["start", "finish", "duration", "processing", "date_start", "date_finish"]
    assert body["time"]["date_start"].endswith("+03:00")


async def test_old_style_rounding_vs_orm_offsets(sim: Any) -> None:
    client = await sim(profile="small")
    old = await (await client.get(f"{W}/crm.deal.list", params={"start": "73", "order[ID]": "ASC"})).json()
    assert (
        old["result"][0]["ID"]
        == (await (await client.get(f"{W}/crm.deal.list", params={"start": "50", "order[ID]": "ASC"})).json())[
            "result"
        ][0]["ID"]
    )
    assert old["next"] == 100
    orm = await (await client.get(f"{W}/user.get", params={"start": "73"})).json()
    first = await (await client.get(f"{W}/user.get", params={"start": "0"})).json()
    second = await (await client.get(f"{W}/user.get", params={"start": "50"})).json()
    assert orm["result"][0]["ID"] == second["result"][23]["ID"] and orm["next"] == 123
    assert first["result"][0]["ID"] == "1"


async def test_default_orders_per_method(sim: Any) -> None:
    client = await sim(profile="small")
    groups = (await (await client.post(f"{W}/sonet_group.get", json={"IS_ADMIN": "Y"})).json())["result"]
    assert int(groups[0]["ID"]) > int(groups[-1]["ID"])
    tasks = (await (await client.post(f"{W}/tasks.task.list", json={"select": ["ID"]})).json())["result"]["tasks"]
    assert int(tasks[0]["id"]) > int(tasks[-1]["id"])
    templates = (await (await client.post(f"{W}/bizproc.workflow.template.list", json={})).json())["result"]
    assert [int(t["ID"]) for t in templates] == sorted(int(t["ID"]) for t in templates)


async def test_commented_post_jumps_to_the_top(sim: Any) -> None:
    client = await sim(mode="target")
    for text in ("one", "two", "three"):
        await client.post(f"{W}/log.blogpost.add", json={"POST_MESSAGE": text, "DATE_PUBLISH": f"2024-01-0{len(text)}"})
    before = [p["DETAIL_TEXT"] for p in (await (await client.get(f"{W}/log.blogpost.get")).json())["result"]]
    await client.post(f"{W}/log.blogcomment.add", json={"POST_ID": 1, "TEXT": "bump", "DATE": "2025-01-01T00:00:00"})
    after = [p["DETAIL_TEXT"] for p in (await (await client.get(f"{W}/log.blogpost.get")).json())["result"]]
    assert before[0] != "one" and after[0] == "one"


async def test_xml_flavour_and_oauth_route(sim: Any) -> None:
    client = await sim()
    response = await client.get(f"{W}/server.time.xml")
    assert response.content_type == "text/xml" and (await response.text()).find("<response><result>") > 0
    ok = await client.get("/rest/profile", params={"auth": "simcode"})
    assert ok.status == 200 and (await ok.json())["result"]["ID"] == "1"
    wrong = await client.get("/rest/profile", params={"auth": "nope"})
    assert wrong.status == 401


async def test_admin_only_and_participant_only(sim: Any, tmp_path: Any) -> None:
    fixture = tmp_path / "p.json"
    fixture.write_text(
        json.dumps(
            {
                "users": [{"ID": "1", "NAME": "A"}, {"ID": "2", "NAME": "B"}],
                "chats": [
                    {
                        "id": 5,
                        "name": "x",
                        "owner": 2,
                        "type": "chat",
                        "entity_type": "",
                        "entity_id": "",
                        "date_create": "2024-01-01T00:00:00+03:00",
                        "users": [2],
                    }
                ],
                "portal": {"admin_user_id": 2},
            }
        )
    )
    client = await sim(fixture=fixture)
    denied = await client.post(f"{W}/bizproc.workflow.template.list", json={})
    assert denied.status == 400 and (await denied.json())["error"] == "ACCESS_DENIED"
    history = await client.post(f"{W}/im.dialog.messages.get", json={"DIALOG_ID": "chat5"})
    assert history.status == 403 and (await history.json())["error"] == "ACCESS_ERROR"
    members = await (await client.post(f"{W}/im.chat.user.list", json={"CHAT_ID": 5})).json()
    assert members["result"] == []


async def test_bad_input_never_500(sim: Any) -> None:
    client = await sim(mode="target")
    junk: list[Any] = [
        {"start": "abc", "filter": "x", "order": [1, 2], "select": {"a": {"b": 1}}},
        {"ID": {"x": [1]}, "FILTER": {">ID": {"a": 1}}, "fields": "nope", "cmd": 5, "entityTypeId": "x"},
        {"id": -5, "DIALOG_ID": ["chat1"], "TASKID": None, "fileContent": [1], "TASKDATA": [1, 2], "LIMIT": "1e9"},
    ]
    for name in sorted(METHODS):
        for params in junk:
            response = await client.post(f"{W}/{name}", json=params)
            assert response.status != 500, (name, params, await response.text())
            await response.json()
    for body, ctype in (
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"[1,2", "application/json"),
        (b"a[b][c][[]]=1&&=&x[", "application/x-www-form-urlencoded"),
        (b"--xx", "multipart/form-data"),
    ):
        response = await client.post(f"{W}/user.get", data=body, headers={"Content-Type": ctype})
        assert response.status in (200, 400), (body, await response.text())
        await response.json()


async def test_crm_multi_fields_only_when_named(sim: Any) -> None:
    client = await sim()
    default = (await (await client.post(f"{W}/crm.contact.list", json={})).json())["result"][0]
    masked = (await (await client.post(f"{W}/crm.contact.list", json={"select": ["*", "UF_*"]})).json())["result"][0]
    named = (await (await client.post(f"{W}/crm.contact.list", json={"select": ["ID", "PHONE"]})).json())["result"][0]
    assert "PHONE" not in default and "PHONE" not in masked and "UF_CRM_BIRTHDAY" in masked
    assert set(named) == {"ID", "PHONE"} and named["PHONE"][0]["TYPE_ID"] == "PHONE"
    full = (await (await client.post(f"{W}/crm.contact.get", json={"id": named["ID"]})).json())["result"]
    assert full["EMAIL"][0]["VALUE"].endswith("@example.org")
    items = await (await client.post(f"{W}/crm.item.list", json={"entityTypeId": 3})).json()
    assert "fm" not in items["result"]["items"][0]
    star = await (await client.post(f"{W}/crm.item.list", json={"entityTypeId": 3, "select": ["*"]})).json()
    assert {f["typeId"] for f in star["result"]["items"][0]["fm"]} == {"PHONE", "EMAIL"}
